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
