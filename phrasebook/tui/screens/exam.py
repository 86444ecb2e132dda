"""Sitting an exam (考核): the timed exam screen and the result (the trainee's list is `exam_list`).

The exam screen shows one item at a time with a countdown. The time left always comes from the domain — the
attempt's stored deadline against the app's clock — and is redrawn every second (`set_interval`); when it reaches
zero the attempt is submitted with what was answered. Nothing on this screen knows the right answers: it holds
`exam_sitting.Question`s only. Keys: 1–4 pick an option (it can be changed until submission), typed answers in the
box, Enter saves and goes on, PgUp/PgDn move between items, F5 submits (after a confirmation), Esc leaves (the
clock keeps running; the trainee can come back from the home screen before the deadline). A busy database at
submission leaves the screen as it was, to try again; an attempt deleted meanwhile sends the trainee home.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from phrasebook.answers import Outcome
from phrasebook.audio.speech import Utterance
from phrasebook.clock import local
from phrasebook.errors import PhrasebookError
from phrasebook.exam_review import AttemptReview, review
from phrasebook.exam_sitting import Attempt, Question, answer, get_attempt, questions, submit
from phrasebook.exams import Exam
from phrasebook.i18n import t
from phrasebook.modes import LISTENING, TYPED
from phrasebook.people import Person
from phrasebook.tui.widgets.answer import ChoiceList, render_diff
from phrasebook.tui.widgets.field import Field
from phrasebook.tui.widgets.keybar import KeyBar

EXAM_KEYS = [("1-4", "exam_tui.key_pick"), ("Enter", "exam_tui.key_next"), ("PgUp/PgDn", "exam_tui.key_move"),
             ("p/F4", "keys.play"), ("F5", "exam_tui.key_submit"), ("Esc", "exam_tui.key_leave")]
# A typed item: the box has the keyboard, so 1-4 and p are letters there; F4 plays.
TYPED_KEYS = [("Enter", "exam_tui.key_next"), ("PgUp/PgDn", "exam_tui.key_move"), ("F4", "keys.play"),
              ("F5", "exam_tui.key_submit"), ("Esc", "exam_tui.key_leave")]
WARN_AT = timedelta(minutes=1)
MARK = {Outcome.RIGHT: ("✓", "green"), Outcome.ALMOST: ("≈", "yellow"), Outcome.WRONG: ("✗", "red")}


def clock_text(left: timedelta) -> str:
    seconds = max(0, int(left.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class ConfirmScreen(ModalScreen[bool]):
    """A question with Enter (yes) and Esc (no)."""

    BINDINGS = [Binding("enter", "answer(True)", show=False), Binding("escape", "answer(False)", show=False)]

    def __init__(self, title: str, lines: list[str], yes: str) -> None:
        super().__init__()
        self.heading, self.lines, self.yes = title, lines, yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.heading, classes="title")
            for line in self.lines:
                yield Static(line)
            yield KeyBar(("Enter", self.yes), ("Esc", "exam_tui.key_back"), classes="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ExamScreen(Screen):
    BINDINGS = [
        *[Binding(str(n), f"pick({n})", show=False) for n in range(1, 5)],
        Binding("enter", "next", show=False),
        Binding("pagedown", "move(1)", show=False, priority=True),
        Binding("pageup", "move(-1)", show=False, priority=True),
        Binding("f5", "submit", show=False, priority=True),
        Binding("p", "play", show=False),
        Binding("f4", "play", show=False, priority=True),  # p is a letter in the answer box
        Binding("escape", "leave", show=False),
    ]

    def __init__(self, person: Person, exam: Exam, attempt: Attempt) -> None:
        super().__init__()
        self.person, self.exam, self.attempt = person, exam, attempt
        self.questions: list[Question] = questions(self.app.store, attempt)
        self.index = next((i for i, q in enumerate(self.questions) if not q.answered), 0)
        self.blocked: str | None = None
        self.timer: Timer | None = None
        self.finished = False
        self.typed_at = self.app.clock()  # when the answer box last changed: what was in it at the deadline counts

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Static(id="exam-head")
        yield Static(id="exam-timer")
        with Vertical(id="card"):
            for wid in ("meta", "ask", "prompt", "prompt-aid"):
                yield Static(id=wid)
            yield Field(id="exam-input", disabled=True, select_on_focus=False)  # coming back must not wipe it
            yield ChoiceList(id="exam-options")
        yield Static(id="exam-hint", classes="hint")
        yield KeyBar(*EXAM_KEYS, id="keys")

    def on_mount(self) -> None:
        self.show()
        self.tick()
        self.timer = self.set_interval(1.0, self.tick)

    # -- the clock ----------------------------------------------------------------------------------------
    def remaining(self) -> timedelta:
        return self.attempt.remaining(self.app.clock())

    def tick(self) -> None:
        """Redraw the time left (from the stored deadline and the app's clock) and keep what is in the answer box
        (so nothing typed is lost if the terminal closes); at zero, submit with the box as it was at the deadline."""
        if self.finished:
            return
        left = self.remaining()
        if left <= timedelta(0):
            if self.typed_at < self.attempt.deadline:
                self._keep_typed(at=self.typed_at)
            self.finish()
            return
        self._keep_typed()
        text = Text(t("exam_tui.timer", left=clock_text(left)), style="bold red" if left <= WARN_AT else "bold")
        if left <= WARN_AT:
            text.append("  " + t("exam_tui.last_minute"), style="red")
        self.query_one("#exam-timer", Static).update(text)

    # -- drawing ------------------------------------------------------------------------------------------
    def show(self) -> None:
        q = self.question
        lang = t(f"lang.{q.lang}")
        self._draw_head()
        self.blocked = self.app.audio.blocker(Utterance(q.lang, q.prompt)) if q.mode == LISTENING else None
        if q.mode == TYPED:
            ask = t("typed.ask", lang=lang)
        elif q.mode == LISTENING:
            ask = t(f"listen.blocked_{self.blocked}") if self.blocked else t("listen.ask")
        else:
            ask = t("choice.ask_produce", lang=lang) if q.direction == "produce" else t("choice.ask_recognise")
        hidden = q.mode == LISTENING and not self.blocked
        self.query_one("#meta", Static).update(t("exam_tui.meta", mode=t(f"modes.name.{q.mode}"), lang=lang))
        self.query_one("#ask", Static).update(ask)
        self.query_one("#prompt", Static).update(t("listen.hidden") if hidden else q.prompt)
        aid = self.query_one("#prompt-aid", Static)
        aid.update("" if hidden else q.prompt_aid or "")
        aid.display = bool(q.prompt_aid) and not hidden
        box = self.query_one("#exam-input", Input)
        options = self.query_one("#exam-options", ChoiceList)
        if q.mode == TYPED:
            box.value, box.placeholder, box.disabled, box.display = q.typed or "", t("typed.placeholder", lang=lang), \
                False, True
            box.cursor_position = len(box.value)  # go on from the end of what was typed before
            options.display = False
            box.focus()
        else:
            box.disabled, box.display = True, False
            options.display = True
            options.show(self._options(q))
            self.set_focus(None)
        keys = self.query_one(KeyBar)
        keys.pairs = tuple(TYPED_KEYS if q.mode == TYPED else EXAM_KEYS)
        keys.refresh()
        last = self.index == len(self.questions) - 1
        self.query_one("#exam-hint", Static).update(t("exam_tui.hint_last" if last else "exam_tui.hint"))
        if hidden or (q.direction == "recognise" and self.person.settings.autoplay):
            self.app.audio.play(Utterance(q.lang, q.prompt), offer=False)

    @staticmethod
    def _options(q: Question) -> list[tuple[Text, Text]]:
        """The options; the one picked is marked — never whether it is right."""
        return [(Text(f" ▶{i + 1} ", style="bold reverse"), Text(option, style="bold")) if i == q.picked
                else (Text(f"  {i + 1} ", style="reverse"), Text(option)) for i, option in enumerate(q.options)]

    # -- answering ----------------------------------------------------------------------------------------
    def _save(self, *, typed: str | None = None, picked: int | None = None, at: datetime | None = None) -> bool:
        q = self.question
        try:
            answer(self.app.store, self.attempt, q, typed=typed, picked=picked, listened=not self.blocked,
                   now=at or self.app.clock(), scheduler=self.app.scheduler)
        except PhrasebookError as err:
            if err.key in ("exam.err.time_up", "exam.err.submitted"):
                self.finish()
            elif err.key == "exam.err.no_attempt":
                self._gone(err)
            else:
                self.notify(err.message(), severity="error")
            return False
        self.questions = questions(self.app.store, self.attempt)
        self._draw_head()  # an answer kept from the box on a tick counts at once
        return True

    def _draw_head(self) -> None:
        answered = sum(1 for x in self.questions if x.answered)
        self.query_one("#exam-head", Static).update(t("exam_tui.head", title=self.exam.title, n=self.question.number,
                                                      k=self.index + 1, total=len(self.questions),
                                                      answered=answered))

    def _keep_typed(self, *, at: datetime | None = None) -> bool:
        """Save what is in the answer box if it changed (on every tick, and before moving, submitting or leaving);
        False when the attempt has ended meanwhile. `at`: when it was typed (at time-up, before the deadline)."""
        if self.finished:
            return False
        q = self.question
        if q.mode == TYPED:
            value = self.query_one("#exam-input", Input).value
            if (value.strip() or None) != (q.typed or None):
                return self._save(typed=value, at=at)
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        self.typed_at = self.app.clock()

    def action_pick(self, n: int) -> None:
        q = self.question
        if q.mode == TYPED or n > len(q.options) or self.finished:
            return
        if self._save(picked=n - 1):
            self.show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.finished or self.question.mode != TYPED:
            return
        if self._keep_typed():
            self.action_next()

    def action_next(self) -> None:
        if self.finished:
            return
        if self.index < len(self.questions) - 1:
            self.index += 1
            self.show()
        else:
            self.action_submit()

    def action_move(self, step: int) -> None:
        if self.finished:
            return
        if not self._keep_typed():
            return
        self.index = max(0, min(len(self.questions) - 1, self.index + step))
        self.show()

    def action_play(self) -> None:
        q = self.question
        if q.direction == "recognise":
            self.app.audio.play(Utterance(q.lang, q.prompt), offer=True)
        else:  # a produce item's foreign phrase is the answer: only the Chinese question is said
            self.app.audio.play(Utterance("zh", q.prompt, q.prompt_aid), offer=True)

    # -- ending -------------------------------------------------------------------------------------------
    def action_submit(self) -> None:
        if self.finished:
            return
        if not self._keep_typed():
            return
        unanswered = sum(1 for q in self.questions if not q.answered)
        lines = [t("exam_tui.submit_counts", answered=len(self.questions) - unanswered, unanswered=unanswered),
                 t("exam_tui.submit_final")]
        self.app.push_screen(ConfirmScreen(t("exam_tui.submit_title"), lines, "exam_tui.key_submit"),
                             lambda yes: self.finish() if yes else None)

    def action_leave(self) -> None:
        lines = [t("exam_tui.leave_clock", deadline=local(self.attempt.deadline))]
        self.app.push_screen(ConfirmScreen(t("exam_tui.leave_title"), lines, "exam_tui.key_leave"),
                             lambda yes: self._leave() if yes else None)

    def _leave(self) -> None:
        """Keep what is in the answer box, then go; the clock runs on."""
        if self._keep_typed():
            self.app.pop_screen()

    def finish(self) -> None:
        """Submit (the domain dates a late one at its deadline) and show the result in place of this screen. A busy
        database leaves everything as it was: F5 again, or the clock's next tick once time is up, tries again."""
        if self.finished:
            return
        self.finished = True
        store, now = self.app.store, self.app.clock()
        try:
            self.attempt = submit(store, get_attempt(store, self.attempt.id), now=now, scheduler=self.app.scheduler)
        except PhrasebookError as err:
            if err.key == "exam.err.no_attempt":
                self._gone(err)
                return
            self.finished = False
            self.notify(err.message(), severity="error", timeout=8)
            return
        if self.timer is not None:
            self.timer.stop()
        self.app.audio.stop()
        while self.app.screen is not self:  # a confirmation still open when the time ran out
            self.app.pop_screen()
        result = ExamResultScreen(review(store, self.attempt, viewer=self.person, now=now),
                                  notice=t("exam.err.time_up") if self.attempt.auto_submitted else None)
        self.app.switch_screen(result)


    def _gone(self, err: PhrasebookError) -> None:
        """The attempt (or its exam) was deleted meanwhile: say so and go back home — nothing here can be saved."""
        from phrasebook.tui.screens.home import HomeScreen

        self.finished = True
        if self.timer is not None:
            self.timer.stop()
        self.app.audio.stop()
        self.app.notify(err.message(), severity="error", timeout=8)
        while len(self.app.screen_stack) > 1 and not isinstance(self.app.screen, HomeScreen):
            self.app.pop_screen()


class ExamResultScreen(Screen):
    """Score, pass or fail, and every item: the trainee's answer and its mark; the right answers once the exam
    has closed (staff always)."""

    BINDINGS = [Binding("enter,escape", "app.pop_screen", show=False)]

    def __init__(self, result: AttemptReview, *, notice: str | None = None, who: str | None = None) -> None:
        super().__init__()
        self.result, self.notice, self.who = result, notice, who

    def compose(self) -> ComposeResult:
        r, a = self.result, self.result.attempt
        yield Static(t("app.title"), id="banner")
        with VerticalScroll(id="summary"):
            yield Static(t("exam_tui.result_title", title=r.exam.title, number=a.number), classes="title")
            if self.who:  # staff reading someone's attempt
                yield Static(t("exam_tui.attempt_of", who=self.who), classes="hint")
            if self.notice:
                yield Static(self.notice, classes="error")
            verdict = Text(t("exam_tui.passed" if a.passed else "exam_tui.failed"),
                           style="bold green" if a.passed else "bold red")
            line = Text(t("exam_tui.score", score=f"{a.percent:.0%}", points=f"{a.points:g}", items=len(r.items),
                          pass_mark=f"{r.exam.pass_mark:.0%}") + "  ")
            line.append_text(verdict)
            yield Static(line, id="exam-score")
            yield Static(t("exam_tui.submitted_at", at=local(a.submitted_at), answered=r.answered,
                           items=len(r.items)), classes="hint")
            if not r.answers_shown:
                yield Static(t("exam_tui.answers_later", closes=local(r.exam.closes_at)), classes="hint")
            for item in r.items:
                yield Static(self._item(item), classes="exam-item")
        yield KeyBar(("↑↓ PgUp/PgDn Home/End", "exam_tui.key_scroll"), ("Enter/Esc", "exam_tui.key_back"), id="keys")

    def on_mount(self) -> None:
        self.query_one("#summary", VerticalScroll).focus()  # the keys scroll the items, however many there are

    def _item(self, item) -> Text:
        mark, style = MARK[item.outcome]
        out = Text(f"{mark} {item.number}. ", style=style)
        out.append(item.prompt if item.mode != LISTENING or self.result.answers_shown else t("exam_tui.heard"))
        out.append(f"  [{t(f'lang.{item.lang}')} · {t(f'modes.name.{item.mode}')}]", style="dim")
        if not item.answered:
            out.append("\n    " + t("exam_tui.no_answer"), style="italic dim")
        elif item.given is not None:  # hidden from the trainee until the exam closes: a ✓ answer is the right one
            out.append("\n    " + t("exam_tui.given_trainee" if self.who else "exam_tui.given"), style="dim")
            out.append(item.given)
        if item.right_answer is not None and item.outcome is not Outcome.RIGHT:
            out.append("\n    " + t("exam_tui.right_answer"), style="dim")
            if item.typed_score is not None and item.typed_score.diff:
                out.append_text(render_diff(item.typed_score.diff, spaced=item.lang not in ("ja", "zh")))
            else:
                out.append(item.right_answer, style="green")
        return out
