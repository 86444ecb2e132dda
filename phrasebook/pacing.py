"""Deadline-aware pacing, as pure arithmetic on dates and counts (no clock, no database).

An assignment runs from its start (the day it was set, or its cohort's first day if later) to its due date.
New cards should all be introduced by `finish_by`, which leaves a review buffer before the due date — the
last cards need a couple of weeks of spaced reviews to become "mastered" (see assignments.py). The buffer is
REVIEW_BUFFER_DAYS, or a third of the assignment's span when that is shorter. Each study day, the cards
still to introduce are spread evenly over the study days left before `finish_by` (today counts, `finish_by`
does not), rounded up; so a trainee who does each day's share has introduced everything the day before
`finish_by`. Someone who falls behind sees a larger share; the daily allowance follows it up to PACE_CEILING.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from math import ceil

REVIEW_BUFFER_DAYS = 14
BUFFER_SHARE = 3  # the buffer is at most a third of the assignment's span
PACE_CEILING = 80  # no day asks for more new cards than this: beyond it the reviews they cause cannot be kept up


def review_buffer(start: date, due_on: date) -> int:
    """Days kept free of new cards before the due date."""
    return min(REVIEW_BUFFER_DAYS, max(0, (due_on - start).days) // BUFFER_SHARE)


def finish_by(start: date, due_on: date) -> date:
    """The day by which every new card should have been introduced (exclusive)."""
    return due_on - timedelta(days=review_buffer(start, due_on))


def needed_per_day(remaining: int, today: date, start: date, due_on: date) -> int:
    """New cards to introduce today (counted from the start of the day) to finish on time; once `finish_by`
    has come, everything still left is needed now."""
    if remaining <= 0:
        return 0
    days_left = (finish_by(start, due_on) - today).days
    return ceil(remaining / days_left) if days_left > 0 else remaining


def completed(total: int, mastered: int, target: float) -> bool:
    """An assignment is done when the target share of its cards is mastered."""
    return total > 0 and mastered >= ceil(target * total - 1e-9)


def remaining(total: int, introduced: int, introduced_today: int) -> int:
    """New cards still to introduce, counted from the start of today (so today's share stays put all day)."""
    return max(0, total - introduced + introduced_today)


def share_today(*, remaining: int, done: bool, today: date, start: date, due_on: date) -> int:
    """Today's share of one assignment: nothing once it is completed, else `needed_per_day`. The home screen,
    the drill's allowance and the coordinator's report all use this one rule."""
    return 0 if done else needed_per_day(remaining, today, start, due_on)


def daily_allowance(base: int, needed: Iterable[int], ceiling: int = PACE_CEILING) -> int:
    """Today's new-card limit: the trainee's own limit, raised to what the deadlines need (never above
    `ceiling`, and never lowered: a trainee may run ahead of the plan)."""
    return max(base, min(sum(needed), ceiling))


def on_track(*, remaining: int, completed: bool, today: date, start: date, due_on: date, base: int) -> bool:
    """Can the trainee still finish on time at their normal daily pace? Completed work is on track; past the
    due date unfinished work is not; otherwise today's share must fit within their own daily limit."""
    if completed:
        return True
    if today > due_on:
        return False
    if remaining <= 0:
        return True
    return today < finish_by(start, due_on) and needed_per_day(remaining, today, start, due_on) <= base
