"""Pacing arithmetic on fixed dates, worked by hand in the comments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from phrasebook.pacing import daily_allowance, finish_by, needed_per_day, on_track, review_buffer

START, DUE = date(2026, 11, 23), date(2026, 12, 23)  # a 30-day assignment


def test_buffer_and_finish_date():
    assert review_buffer(START, DUE) == 10  # min(14, 30 // 3)
    assert finish_by(START, DUE) == date(2026, 12, 13)
    assert review_buffer(date(2026, 11, 1), date(2027, 3, 1)) == 14  # 120 days: the full two weeks
    assert review_buffer(START, date(2026, 11, 25)) == 0  # two days: no room for a buffer
    assert review_buffer(START, START) == 0


@pytest.mark.parametrize(("remaining", "today", "start", "due", "expected"), [
    (120, START, START, DUE, 6),                                   # 120 cards over 20 days (11-23 … 12-12)
    (121, START, START, DUE, 7),                                   # 6.05 rounds up
    (114, date(2026, 11, 24), START, DUE, 6),                      # kept up: 114 over 19 days
    (120, date(2026, 12, 3), START, DUE, 12),                      # ten days idle: 120 over the last 10
    (7, date(2026, 12, 12), START, DUE, 7),                        # last day before the buffer
    (7, date(2026, 12, 13), START, DUE, 7),                        # in the buffer: everything now
    (7, date(2027, 1, 5), START, DUE, 7),                          # overdue: everything now
    (0, START, START, DUE, 0),
    (392, date(2026, 11, 1), date(2026, 11, 1), date(2027, 3, 1), 4),  # 392 over 106 days = 3.7
    (10, START, START, date(2026, 11, 25), 5),                     # no buffer: 10 over 2 days
])
def test_needed_per_day(remaining, today, start, due, expected):
    assert needed_per_day(remaining, today, start, due) == expected


def test_keeping_up_finishes_before_the_buffer():
    """Doing exactly each day's share introduces the last card the day before finish_by."""
    remaining, today, done_on = 120, START, None
    while remaining:
        remaining -= needed_per_day(remaining, today, START, DUE)
        done_on = today
        today += timedelta(days=1)
    assert done_on == date(2026, 12, 12) == finish_by(START, DUE) - timedelta(days=1)


def test_daily_allowance():
    assert daily_allowance(20, [6, 4]) == 20      # the deadlines need less than the own limit
    assert daily_allowance(20, [30, 15]) == 45    # raised to what two deadlines need together
    assert daily_allowance(20, [300]) == 80       # never above the ceiling
    assert daily_allowance(100, [5]) == 100       # a keen trainee is not slowed down
    assert daily_allowance(20, []) == 20


def test_on_track():
    args = {"start": START, "due_on": DUE, "base": 20}
    assert on_track(remaining=120, completed=False, today=START, **args)               # 6 a day fits in 20
    assert not on_track(remaining=300, completed=False, today=date(2026, 12, 3), **args)  # 30 a day does not
    assert not on_track(remaining=5, completed=False, today=date(2026, 12, 13), **args)   # into the buffer
    assert on_track(remaining=0, completed=False, today=date(2026, 12, 20), **args)       # all introduced
    assert not on_track(remaining=0, completed=False, today=date(2026, 12, 24), **args)   # overdue, not mastered
    assert on_track(remaining=0, completed=True, today=date(2027, 1, 1), **args)
