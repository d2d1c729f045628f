"""Staff calendar feeds: make one (its secret URL shown once), list them, revoke one.

The feed itself is served at ``GET /feeds/{token}.ics`` (no sign-in: the token is the key).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from microneedling.clinic.services.calendar_feeds import (
    CalendarFeedService,
    FeedCreated,
    FeedIn,
    FeedOut,
)
from microneedling.web.deps import RecordId, service

router = APIRouter(prefix="/calendar-feeds", tags=["calendar feeds"])
Feeds = Annotated[CalendarFeedService, Depends(service(CalendarFeedService))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Make a practitioner or room feed")
def create_feed(body: FeedIn, feeds: Feeds) -> FeedCreated:
    return feeds.create(body)


@router.get("", summary="Every feed, revoked ones included (tokens are not shown)")
def list_feeds(feeds: Feeds) -> list[FeedOut]:
    return feeds.find()


@router.post("/{feed_id}/revoke", summary="Revoke a feed: its URL stops working")
def revoke_feed(feed_id: RecordId, feeds: Feeds) -> FeedOut:
    return feeds.revoke(feed_id)
