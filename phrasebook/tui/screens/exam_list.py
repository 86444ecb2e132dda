"""The trainee's exams (考核): one line each with where they stand, Enter starts (after a confirmation that shows
the time they will really have), resumes, or shows the result; `r` shows the best result so far while attempts are
left. Also `despite_busy`, which every exam screen reads through: closing attempts whose time is up is a write, and
a busy database must delay it, not stop the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from phrasebook.clock import local
from phrasebook.errors import PhrasebookError
from phrasebook.exam_review import review
from phrasebook.exam_sitting import Standing, standings, start
from phrasebook.exams import Exam
from phrasebook.i18n import t
from phrasebook.people import Person
from phrasebook.tui.screens.exam import ConfirmScreen, ExamResultScreen, ExamScreen, clock_text
from phrasebook.tui.widgets.keybar import KeyBar

T = TypeVar("T")


def despite_busy(screen: Screen, read: Callable[[bool], T]) -> T:
    """`read(True)`, which first closes attempts whose time is up; when the database is too busy for that write,
    say so and `read(False)` what is stored (the next look closes them)."""
    try:
        return read(True)
    except PhrasebookError as err:
        if err.key != "reliability.busy":
            raise
        screen.notify(err.message(), severity="warning", timeout=6)
        return read(False)


def standing_text(s: Standing, now: datetime, glue: str = " · ") -> str:
    """One exam for the trainee: what it is, then where they stand (on one line, or `glue` between)."""
    e = s.exam
    head = t("exam_tui.line", title=e.title, cohort=e.cohort_name, items=e.item_count, minutes=e.minutes)
    if s.current is not None:
        state = t("exam_tui.state_running", left=clock_text(s.current.remaining(now)))
    elif s.state == "upcoming":
        state = t("exam_tui.state_upcoming", opens=local(e.opens_at))
    elif s.state == "open" and s.left:
        state = t("exam_tui.state_open", closes=local(e.closes_at), left=s.left)
    elif s.best is not None:
        return f"{head}{glue}" + t("exam_tui.state_done", score=f"{s.best.percent:.0%}",
                                   verdict=t("exam_tui.passed" if s.best.passed else "exam_tui.failed"))
    else:
        state = t("exam_tui.state_missed", closes=local(e.closes_at))
    if s.best is not None:  # attempts left: the best so far stays in view (its result opens once none runs)
        state += t("exam_tui.best_so_far_running" if s.current else "exam_tui.best_so_far",
                   score=f"{s.best.percent:.0%}")
    return f"{head}{glue}{state}"


def duration_text(length: timedelta) -> str:
    """7 分 30 秒: a length of time (not a clock time, as 07:30 would read)."""
    minutes, seconds = divmod(max(0, int(length.total_seconds())), 60)
    return t("exam_tui.dur_min_sec", m=minutes, s=seconds) if seconds else t("exam_tui.dur_min", m=minutes)


def start_lines(s: Standing, now: datetime) -> list[str]:
    """The start confirmation: the rules, and the time the trainee will really have when the exam closes before
    the limit is up."""
    e = s.exam
    lines = [t("exam_tui.start_rules", items=e.item_count, minutes=e.minutes, pass_mark=f"{e.pass_mark:.0%}",
               left=s.left)]
    if (allowed := e.time_for(now)) < timedelta(minutes=e.minutes):
        lines.append(t("exam_tui.start_short", closes=local(e.closes_at), time=duration_text(allowed)))
    return [*lines, t("exam_tui.start_clock", closes=local(e.closes_at))]


class ExamListScreen(ModalScreen[None]):
    """The trainee's exams: Enter starts or resumes an open one, or shows the result of one already sat; `r` the
    best result so far."""

    BINDINGS = [Binding("escape", "close", show=False), Binding("r", "best", show=False)]

    def __init__(self, person: Person) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        now = self.app.clock()
        self.standings = despite_busy(self, lambda close: standings(self.app.store, self.person, now,
                                                                    self.app.scheduler, close=close))
        with Vertical(id="exam-list"):
            yield Static(t("exam_tui.list_title"), classes="title")
            if self.standings:
                yield OptionList(*[Option(standing_text(s, now, "\n  "), id=str(i))
                                   for i, s in enumerate(self.standings)], id="exam-options")
            else:
                yield Static(t("exam_tui.none"), classes="hint")
            yield KeyBar(("Enter", "exam_tui.key_choose"), ("r", "exam_tui.key_best"), ("Esc", "exam_tui.key_back"))

    async def on_screen_resume(self) -> None:
        """Redrawn with what is stored now, the cursor kept on the exam it was on (r and Enter act on it)."""
        was = self.query("#exam-options").first().highlighted if self.query("#exam-options") else None
        await self.recompose()
        if options := self.query("#exam-options"):
            box = options.first()
            box.focus()
            if was is not None and was < box.option_count:
                box.highlighted = was

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        s = self.standings[int(event.option.id)]
        if s.current is not None:
            self.app.push_screen(ExamScreen(self.person, s.exam, s.current))
        elif s.can_start:
            self.app.push_screen(ConfirmScreen(s.exam.title, start_lines(s, self.app.clock()), "exam_tui.key_start"),
                                 lambda yes: self._start(s.exam) if yes else None)
        elif s.best is not None:
            self.action_best()
        else:
            self.notify(standing_text(s, self.app.clock()), timeout=4)

    def action_best(self) -> None:
        """The highlighted exam's best submitted attempt so far, item by item."""
        options = self.query("#exam-options")
        if not options:
            self.notify(t("exam_tui.none"), timeout=4)
            return
        s = self.standings[options.first().highlighted or 0]
        if s.best is None:
            self.notify(t("exam_tui.no_best", title=s.exam.title), timeout=4)
            return
        try:  # refused while an attempt of this exam runs: it would be an open book
            result = review(self.app.store, s.best, viewer=self.person, now=self.app.clock())
        except PhrasebookError as err:
            self.notify(err.message(), severity="warning", timeout=5)
            return
        self.app.push_screen(ExamResultScreen(result))

    def _start(self, exam: Exam) -> None:
        try:
            attempt = start(self.app.store, exam, self.person, now=self.app.clock(), scheduler=self.app.scheduler)
        except PhrasebookError as err:
            self.notify(err.message(), severity="error", timeout=5)
            return
        self.app.push_screen(ExamScreen(self.person, exam, attempt))

    def action_close(self) -> None:
        self.dismiss(None)
