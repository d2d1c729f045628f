"""Text messages: the interface a provider must implement. None is built in.

A clinic that wants SMS writes a class with this ``send`` (its provider's API behind it) and
hands it to the worker; until then messages go by email only.
"""

from __future__ import annotations

from typing import Protocol


class SmsSender(Protocol):
    """Delivers one text message to a phone number in E.164 form (``+4917612345678``)."""

    def send(self, to: str, text: str) -> str:
        """Send ``text``; return the provider's message id; raise on failure."""
        ...
