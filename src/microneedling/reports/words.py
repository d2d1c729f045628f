"""How pages and printouts say things: the one place for dates, ages, depths and the names the
knowledge base gives to sites, so a page, a PDF and the API's readers never disagree.

Every page (``web/pages/_render.py``) and every printout (``reports/templates``) registers these
as its Jinja filters; nothing else formats a date.
"""

from __future__ import annotations

from datetime import date, datetime

from microneedling.knowledge import KnowledgeBase


def day_date(value: date | datetime | str) -> str:
    """The one date format: ``Fri 24 Sep 2027`` (weekday, day, month, year; no zero padding).

    Unambiguous in any country (no 09/10 puzzle) and short enough for a table cell on a phone.
    A datetime is shown by its own calendar date: put it in the clinic's zone first. A string
    is an ISO date read back from a stored JSON document (a prediction, a plan).
    """
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value:%a} {value.day} {value:%b %Y}"


def day_date_time(value: datetime) -> str:
    """``Fri 24 Sep 2027 10:30``: :func:`day_date` with the wall-clock time (24-hour)."""
    return f"{day_date(value)} {value:%H:%M}"


def axis_date(value: date, step_days: float) -> str:
    """A date on a chart's time axis whose ticks are ``step_days`` apart: ``7 Dec`` while ticks
    are less than four weeks apart (two ticks in one month must not read alike), else
    ``Dec 2026`` (ticks that far apart never share a month)."""
    return f"{value.day} {value:%b}" if step_days < 28 else f"{value:%b %Y}"


def age_years(born: date, on: date) -> int:
    """Completed years of age on ``on`` (a birthday on 29 February counts from 1 March)."""
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return on.year - born.year - (0 if had_birthday else 1)


def born_with_age(born: date, on: date) -> str:
    """A date of birth with the age beside it: ``Sun 25 Jul 1982 (44 years)``."""
    years = age_years(born, on)
    return f"{day_date(born)} ({years} year{'' if years == 1 else 's'})"


def depth(value_mm: float) -> str:
    """A needle depth as clinicians write it: ``1.25 mm``, ``0.5 mm``."""
    return f"{value_mm:.2f}".rstrip("0").rstrip(".") + " mm"


def humanize(key: object) -> str:
    """A stored key in words (``pinpoint_bleeding`` -> ``pinpoint bleeding``); empty for None."""
    return "" if key is None else str(key).replace("_", " ")


def site_name(kb: KnowledgeBase, site: str) -> str:
    """A treatment site by the knowledge base's name (``perioral`` -> its name there); a site
    the knowledge base no longer holds is still said in words, never as an id."""
    known = kb.sites.get(site)
    return known.name if known is not None else humanize(site).capitalize()
