"""Turning what a user types for dates and filters into a journal Filter."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from encounters_cli.errors import UsageError
from encounters_cli.storage.records import Filter

# A day's bounds in any time zone, a week or a month on either side (insights draws whole periods),
# all stay inside what a datetime can hold (years 1 to 9999).
EARLIEST = date(1, 3, 1)
LATEST = date(9998, 12, 31)


def parse_bound(text: str | None, *, end: bool = False) -> datetime | None:
    """A local date (2026-11-27), date and time (2026-11-27T14:30), or 'today' / '7d' (days ago).

    An end bound given as a date includes that whole day.
    """
    if text is None:
        return None
    raw = text.strip().lower()
    today = datetime.now().astimezone().date()
    day: date | None = None
    out_of_range = UsageError(f"the date {text!r} is out of range: use one from {EARLIEST} to {LATEST}")
    if raw in ("today", "tänään"):
        day = today
    elif raw in ("yesterday", "eilen"):
        day = today - timedelta(days=1)
    elif raw.endswith("d") and raw[:-1].isdigit():
        days = int(raw[:-1])
        if days > (today - EARLIEST).days:
            raise out_of_range
        day = today - timedelta(days=days)
    if day is None:
        try:
            parsed = datetime.fromisoformat(raw.upper() if "t" in raw else raw)
        except ValueError as error:
            raise UsageError(
                f"cannot read the date {text!r}: use YYYY-MM-DD, YYYY-MM-DDTHH:MM, 'today' or e.g. '7d'"
            ) from error
        if not EARLIEST <= parsed.date() <= LATEST:
            raise out_of_range
        if len(raw) > 10:  # a time was given
            moment = parsed if parsed.tzinfo else parsed.astimezone()
            return moment.astimezone(timezone.utc)
        day = parsed.date()
    if end:
        day = day + timedelta(days=1)
    start = datetime(day.year, day.month, day.day).astimezone()
    return start.astimezone(timezone.utc)


def make_filter(
    *,
    limit: int | None = None,
    since: str | None = None,
    until: str | None = None,
    values: list[str] | None = None,
    domain: str | None = None,
    practice: str | None = None,
    open_only: bool = False,
    statuses: list[str] | None = None,
    workshop: str | None = None,
) -> Filter:
    if limit is not None and limit < 1:
        raise UsageError("-n must be 1 or more")
    return Filter(
        limit=limit,
        since=parse_bound(since),
        until=parse_bound(until, end=True),
        values=list(values or []),
        domain=domain,
        practice=practice,
        statuses=["prepared"] if open_only else list(statuses or []),
        workshop=workshop,
    )
