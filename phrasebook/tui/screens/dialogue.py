"""Dialogue role-play: the applicant's lines are played and shown, the clerk replies in turn (typed or
self-graded), each reply scored and fed to FSRS; a summary of every reply at the end. A new line is shown first
and self-graded, as the drill does with a new card, and one beyond today's new-card limit is only shown."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from phrasebook import modes
from phrasebook.answers import Outcome, score
from phrasebook.audio.speech import Utterance
from phrasebook.dialogue import FIRST, HEARD, OVER_LIMIT, REPLY, DialogueResult, DialogueSession
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import current, t
from phrasebook.people import Person
from phrasebook.scheduler import GOOD, LEARNING, NEW, RATINGS
from phrasebook.tui.widgets.answer import GRADE_NAMES, GradeBar, TypedAnswer
from phrasebook.tui.widgets.keybar import KeyBar

MARK = {Outcome.RIGHT: ("✓", "green"), Outcome.ALMOST: ("≈", "yellow"), Outcome.WRONG: ("✗", "red")}
TRANSCRIPT_LINES = 6
KEYS = [("Enter", "dialogue.keys.next"), ("Space", "dialogue.keys.meaning"), ("1-4", "keys.grade"),
        ("r", "modes.keys.right"), ("m / F3", "dialogue.keys.typed"), ("p / F4", "keys.play"), ("? / F1", "keys.help"),
        ("Esc", "keys.finish")]


class DialogueScreen(Screen):
    BINDINGS = [
        Binding("enter", "next", show=False),
        Binding("space", "space", show=False),
        *[Binding(str(r), f"grade({r})", show=False) for r in RATINGS],
        Binding("r", "was_right", show=False),
        Binding("m", "toggle_typed", show=False),
        Binding("f3", "toggle_typed", show=False, priority=True),
        Binding("p", "play", show=False),
        Binding("f4", "play", show=False, priority=True),  # p and ? are letters in the answer box
        Binding("question_mark", "help", show=False),
        Binding("f1", "help", show=False, priority=True),
        Binding("escape", "finish", show=False),
    ]

    def __init__(self, person: Person, *, scenario: str, lang: str) -> None:
        super().__init__()
        self.person, self.lang = person, lang
        self.session = DialogueSession(self.app.store, person, scenario=scenario, lang=lang,
                                       scheduler=self.app.scheduler, clock=self.app.clock)
        self.chosen: bool | None = None  # typed (True) or self-graded, once switched with m/F3: as the drill's `m`
        self.typed = lang in modes.TYPED_BY_DEFAULT
        self.role = HEARD
        self.transcript: list[Text] = []
        self._start_line()

    def _start_line(self) -> None:
        self.answered = self.meaning = False
        self.score, self.proposed, self.shown_at, self._fresh = None, None, time.monotonic(), True

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Static(id="status")
        yield Static(id="transcript")
        with Vertical(id="card"):
            for wid in ("who", "prompt", "prompt-aid"):
                yield Static(id=wid)
            yield TypedAnswer(id="typed")
            yield Static(id="answer")
            yield Static(id="answer-aid")
        yield GradeBar(id="grades")
        yield Static(id="grade-hint", classes="hint")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        if not self.session.turns_total:
            self.notify(t("dialogue.nothing"), timeout=5)
            self.call_after_refresh(self.action_finish)
            return
        if self._turn_ready():
            self.show()
            self.autoplay()

    def _turn_ready(self) -> bool:
        """Fetch a clerk line's card before it is shown: the domain refuses it while the trainee sits an exam
        (begun in another window), and the dialogue then ends with that sentence. Then how the line is met: a
        new or still-learning line is self-graded, as in the drill, unless the trainee chose a mode."""
        line = self.session.current
        self.role = HEARD
        if line is None or not line.is_turn:
            return True
        try:
            prompt = self.session.prompt(line)
        except PhrasebookError as err:
            self.notify(err.message(), severity="error", timeout=10)
            self.call_after_refresh(self.action_finish)
            return False
        self.role = self.session.role(line)
        fresh = prompt.card.state in (NEW, LEARNING)
        default = modes.default_mode("produce", self.lang, new=fresh, audible=False) == modes.TYPED
        self.typed = default if self.chosen is None else self.chosen
        return True

    @property
    def replying(self) -> bool:
        """The current line is the trainee's to reply to (and graded)."""
        return self.role in (REPLY, FIRST)

    def _scenario_name(self) -> str:
        return self.session.scenario_name["zh" if current() == "zh-CN" else "en"]

    def show(self) -> None:
        line = self.session.current
        if line is None:
            return
        lang = t(f"lang.{self.lang}")
        turn = self.replying
        status = t("dialogue.progress", scenario=self._scenario_name(), lang=lang, n=self.session.position + 1,
                   total=len(self.session.lines))
        status += f"    {t('modes.status', mode=t('modes.name.' + (modes.TYPED if self.typed else modes.SELF)))}"
        if turn:
            who = t("dialogue.your_turn_new" if self.role == FIRST else "dialogue.your_turn", lang=lang)
            front, aid = line.zh, line.pinyin
            back = line.text if self.answered else ("" if self.typed else t("drill.press_space"))
            back_aid = (line.romanization or "") if self.answered else ""
        elif self.role == OVER_LIMIT:  # shown with its answer, not asked: the day's new cards are used up
            who, front, aid, back, back_aid = (t("dialogue.over_limit"), line.zh, line.pinyin, line.text,
                                               line.romanization or "")
        else:
            who, front, aid = t("dialogue.applicant_says"), line.text, line.romanization or ""
            back, back_aid = ((t("dialogue.meaning", zh=line.zh), line.pinyin) if self.meaning
                              else (t("dialogue.listen_hint"), ""))
        transcript = Text("\n").join(self.transcript[-TRANSCRIPT_LINES:])
        for wid, value in (("status", status), ("transcript", transcript), ("who", who), ("prompt", front),
                           ("prompt-aid", aid), ("answer", back), ("answer-aid", back_aid)):
            widget = self.query_one(f"#{wid}", Static)
            widget.update(value)
            widget.display = bool(value)
        self.query_one("#answer", Static).set_class(not self.answered if turn else not (self.meaning or back_aid),
                                                    "hint")
        typed = self.query_one(TypedAnswer)
        typed.display = turn and self.typed
        if turn and self.typed and self.answered:
            typed.show(self.score, self.lang, line.text)
        elif turn and self.typed:
            typed.ask(t("typed.placeholder", lang=lang), clear=self._fresh)
        else:
            self.query_one(Input).disabled = True
        self._fresh = False
        graded = turn and self.answered
        self.query_one("#grades").display = graded
        hint = self.query_one("#grade-hint", Static)
        hint.display = graded
        if graded:
            self.query_one(GradeBar).set(self.session.intervals(self.session.prompt(line)), self.proposed)
            hint.update(t("modes.hint_proposed", grade=t(GRADE_NAMES[self.proposed])) if self.proposed else "")
        keybar = self.query_one(KeyBar)
        keybar.pairs = self._keys(turn)
        keybar.refresh()

    def _keys(self, turn: bool) -> tuple[tuple[str, str], ...]:
        """Only the keys that do something on this line (the full list is under ?/F1)."""
        end = (("F1", "keys.help"), ("Esc", "keys.finish"))
        if not turn:
            meaning = () if self.meaning or self.role == OVER_LIMIT else (("Space", "dialogue.keys.meaning"),)
            return (("Enter", "dialogue.keys.next"), *meaning, ("p", "keys.play"), *end)
        if self.answered:
            accept = (("Enter", "modes.keys.accept"), ("r", "modes.keys.right")) if self.proposed else ()
            return (("1-4", "keys.grade"), *accept, ("p", "keys.play"), *end)
        if self.typed:
            return (("Enter", "typed.keys.submit"), ("F3", "dialogue.keys.typed"), ("F4", "keys.play"), *end)
        return (("Space", "keys.reveal"), ("m", "dialogue.keys.typed"), ("p", "keys.play"), *end)

    # -- the conversation ------------------------------------------------------------------------
    def _say(self, who: str, text: str, mark: tuple[str, str] | None = None) -> None:
        line = Text(t("dialogue.said_by", who=who), style="bold")
        line.append(text)
        if mark:
            line.append(f"  {mark[0]}", style=mark[1])
        self.transcript.append(line)

    def _move_on(self) -> None:
        self._start_line()
        if self.session.current is None:
            self.action_finish()
        elif self._turn_ready():
            self.show()
            self.autoplay()

    def action_next(self) -> None:
        line = self.session.current
        if line is None:
            return
        if not self.replying:  # the applicant's line (one the trainee has no card for, one only shown) was heard
            try:
                self.session.listen()
            except PhrasebookError as err:  # an exam begun in another window: the dialogue ends here
                self.notify(err.message(), severity="error", timeout=10)
                self.call_after_refresh(self.action_finish)
                return
            self._say(t("dialogue.applicant") if line.speaker == "applicant" else t("dialogue.you"), line.text)
            self._move_on()
        elif not self.answered and not self.typed:
            self._reveal(None)
        elif self.answered and self.proposed:
            self.action_grade(self.proposed)

    def action_space(self) -> None:
        line = self.session.current
        if line is None:
            return
        if self.role == HEARD and not self.meaning:
            self.meaning = True
            self.show()
        else:
            self.action_next()

    def _reveal(self, proposed: int | None) -> None:
        self.answered, self.proposed = True, proposed
        self.set_focus(None)
        self.show()
        self.autoplay()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        line = self.session.current
        if line is not None and self.replying and self.typed and not self.answered:
            if not self.query_one(TypedAnswer).ready(event.value):
                return
            self.score = score(event.value, line.text, self.lang, line.alternatives)
            self._reveal(self.score.grade)

    def action_grade(self, rating: int) -> None:
        line = self.session.current
        if line is None or not self.replying or not self.answered:
            return
        elapsed = int((time.monotonic() - self.shown_at) * 1000)
        try:
            self.session.reply(rating, score=self.score, duration_ms=elapsed)
        except PhrasebookError as err:  # not saved: the reply stays on screen, same key on retry
            self.notify(err.message(), severity="error", timeout=8)
            return
        self._say(t("dialogue.you"), line.text, MARK[self.session.result.turns[-1].outcome])
        self._move_on()

    def action_was_right(self) -> None:
        if self.answered and self.proposed:
            self.action_grade(GOOD)

    def action_toggle_typed(self) -> None:
        if self.answered:
            self.notify(t("modes.answer_first"), timeout=2)
            return
        self.typed = self.chosen = not self.typed
        self._fresh = True
        self.show()

    # -- audio, help, end --------------------------------------------------------------------------
    def autoplay(self) -> None:
        """The applicant's line plays as it appears; the clerk's reply once answered (autoplay setting)."""
        line = self.session.current
        if line is not None and self.person.settings.autoplay and (not self.replying or self.answered):
            self.app.audio.play(Utterance(self.lang, line.text), offer=False)

    def action_play(self) -> None:
        line = self.session.current
        if line is None:
            return
        if self.replying and not self.answered:
            self.app.audio.play(Utterance("zh", line.zh, line.pinyin), offer=True)
        else:
            self.app.audio.play(Utterance(self.lang, line.text), offer=True)

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))

    def action_finish(self) -> None:
        self.app.audio.stop()
        try:
            self.session.finish()
        except PhrasebookError as err:  # only the session's end time was not saved; every reply is
            self.notify(err.message(), severity="error", timeout=8)
        self.app.switch_screen(DialogueSummaryScreen(self._scenario_name(), self.session.result))


class DialogueSummaryScreen(Screen):
    """Every reply with its verdict, and the score (right 1, almost ½, wrong 0)."""

    BINDINGS = [Binding("enter,escape,space", "app.pop_screen", show=False)]

    def __init__(self, scenario: str, result: DialogueResult) -> None:
        super().__init__()
        self.scenario, self.result = scenario, result

    def compose(self) -> ComposeResult:
        r = self.result
        yield Static(t("app.title"), id="banner")
        with VerticalScroll(id="summary"):
            yield Static(t("dialogue.summary_title", scenario=self.scenario), classes="title")
            if not r.turns:
                yield Static(t("dialogue.summary_none"))
            else:
                yield Static(t("dialogue.summary_score", turns=len(r.turns), right=r.count(Outcome.RIGHT),
                               almost=r.count(Outcome.ALMOST), wrong=r.count(Outcome.WRONG), pct=r.percent))
                for turn in r.turns:
                    mark, style = MARK[turn.outcome]
                    line = Text(f"{mark} ", style=style)
                    line.append(f"{turn.line.zh}  ")
                    line.append(turn.line.text, style="dim")
                    line.append(f"  · {t(GRADE_NAMES[turn.rating])}", style="dim")
                    yield Static(line)
            if r.shown_only:
                yield Static(t("dialogue.summary_shown_only", n=r.shown_only), classes="hint")
        yield KeyBar(("Enter", "keys.back_home"), id="keys")
