"""Time in one place: aware UTC datetimes (as FSRS requires), their stored ISO form, and the study day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DAY_ROLLOVER_HOUR = 4  # a study day runs 04:00 → 04:00 local time, as in Anki


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Fixed-width ISO text, so stored times sort and compare correctly as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def local(moment: datetime) -> str:
    """A moment as people here read and type it: local time to the minute, 2026-12-01 09:00."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def day_start(now: datetime, rollover_hour: int = DAY_ROLLOVER_HOUR) -> datetime:
    """The start (in UTC) of the local study day containing `now`."""
    local = now.astimezone()
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def study_day(moment: datetime, rollover_hour: int = DAY_ROLLOVER_HOUR) -> date:
    """The local study day a moment belongs to (what the store's per-day roll-up calls `day`)."""
    return (moment.astimezone() - timedelta(hours=rollover_hour)).date()


def day_moment(day: date, rollover_hour: int = DAY_ROLLOVER_HOUR) -> datetime:
    """The start (aware UTC) of a local study day: when "on the due date" begins."""
    local = datetime(day.year, day.month, day.day, rollover_hour).astimezone()
    return local.astimezone(UTC)


def parse_day(text: object) -> date | None:
    """A calendar date as people type it or a spreadsheet stores it: 2026-11-23, 2026/11/23, 2026.11.23,
    2026年11月23日, or a date/datetime object. None when it is not one."""
    import re

    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    found = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(text or ""))
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:
        return None
