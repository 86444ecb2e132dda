"""The drill: each card is asked in a mode — self-graded (Space reveals), typed, multiple choice or listening —
then graded 1–4, each button showing when the card comes back; Enter takes the grade the answer implies.
`m` (F3 while typing) switches the mode mid-session. Extra practice runs on this same screen."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from phrasebook import modes
from phrasebook.audio.speech import Utterance
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import current, t
from phrasebook.people import Person, update_settings
from phrasebook.practice import ChoiceMaker
from phrasebook.scheduler import AGAIN, GOOD, LEARNING, NEW, RATINGS
from phrasebook.session import DrillSession, Prompt
from phrasebook.tui.widgets.answer import GRADE_NAMES, ChoiceList, GradeBar, TypedAnswer
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("Space", "keys.reveal"), ("1-4", "keys.grade"), ("1-4", "modes.keys.pick"), ("Enter", "modes.keys.accept"),
        ("r", "modes.keys.right"), ("m / F3", "modes.keys.mode"), ("p / F4", "keys.play"), ("u / Ctrl+Z", "keys.undo"),
        ("a", "keys.autoplay"), ("? / F1", "keys.help"), ("Esc", "keys.finish")]
# While the answer box has the keyboard, letters are letters: these keys do the same and never type.
TYPING_KEYS = (("F4", "keys.play"), ("Ctrl+Z", "keys.undo"), ("F1", "keys.help"))
ASK, ANSWERED = "ask", "answered"


class DrillScreen(Screen):
    BINDINGS = [
        Binding("space", "space", show=False),
        *[Binding(str(r), f"number({r})", show=False) for r in RATINGS],
        Binding("enter", "accept", show=False),
        Binding("r", "was_right", show=False),
        Binding("m", "mode", show=False),
        Binding("f3", "mode", show=False, priority=True),  # also while the answer box has the keyboard
        Binding("u", "undo", show=False),
        Binding("ctrl+z", "undo", show=False, priority=True),
        Binding("p", "play", show=False),
        Binding("f4", "play", show=False, priority=True),
        Binding("a", "toggle_autoplay", show=False),
        Binding("question_mark", "help", show=False),
        Binding("f1", "help", show=False, priority=True),
        Binding("escape", "finish", show=False),
    ]

    def __init__(self, person: Person, *, deck: str | None = None, lang: str | None = None,
                 session: DrillSession | None = None) -> None:
        super().__init__()
        self.person = person
        self.session = session or DrillSession(self.app.store, person, deck=deck, lang=lang,
                                               scheduler=self.app.scheduler, clock=self.app.clock)
        self.maker = ChoiceMaker(self.app.store)
        self.preferred: dict[str, str] = {}  # direction → mode the trainee switched to with `m`
        self._load(self.session.next())

    # -- the card and its mode -------------------------------------------------------------------
    def _load(self, prompt: Prompt | None, mode: str | None = None, asked_at: datetime | None = None) -> None:
        """Show `prompt` (fresh, unanswered) in `mode`, or in the mode chosen for it. `asked_at` seeds its options:
        when the card was first shown, so switching modes brings back the same options, not new ones."""
        self.prompt, self.phase, self.shown_at = prompt, ASK, time.monotonic()
        self.asked_at = asked_at or self.app.clock()
        self.score = self.choice = self.picked = self.proposed = self.blocked = None
        self._fresh = True
        if prompt is None:
            self.mode = modes.SELF
            return
        clip = Utterance(prompt.lang, prompt.text)
        recognise = prompt.direction == "recognise"
        blocked = self.app.audio.blocker(clip) if recognise else None  # looked up once per card, and only here
        self.mode = mode or self.preferred.get(prompt.direction) or modes.default_mode(
            prompt.direction, prompt.lang, new=prompt.card.state in (NEW, LEARNING), audible=recognise and not blocked)
        if self.mode == modes.LISTENING:
            self.blocked = blocked if recognise else self.app.audio.blocker(clip)
        if self.mode in (modes.CHOICE, modes.LISTENING):
            self.choice = self.maker.for_prompt(prompt, self.asked_at)

    @property
    def revealed(self) -> bool:
        return self.phase == ANSWERED

    def logged_mode(self) -> str:
        """Listening whose text had to be shown was really multiple choice."""
        return modes.CHOICE if self.mode == modes.LISTENING and self.blocked else self.mode

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Static(self._status(), id="status")
        with Vertical(id="card"):
            for wid in ("meta", "ask", "prompt", "prompt-aid"):
                yield Static(id=wid)
            yield TypedAnswer(id="typed")
            yield ChoiceList(id="choices")
            yield Static(id="answer")
            yield Static(id="answer-aid")
            yield Static(id="note", classes="hint")
        yield GradeBar(id="grades")
        yield Static(id="grade-hint", classes="hint")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        if self.prompt is None:
            self.call_after_refresh(self.action_finish)
        else:
            self.show()
            self.autoplay()

    def _status(self) -> str:
        left, done = self.session.remaining(), self.session.summary.answered
        if "extra" in left:
            text = t("extra.status", left=left["extra"], done=done)
        else:
            text = t("drill.status", learning=left["learning"], review=left["review"], new=left["new"], done=done)
        return f"{text}    {t('modes.status', mode=t(f'modes.name.{self.mode}'))}"

    def _ask_text(self, lang: str) -> str:
        produce = self.prompt.direction == "produce"
        if self.mode == modes.SELF:
            return t("drill.ask_produce", lang=lang) if produce else t("drill.ask_recognise")
        if self.mode == modes.TYPED:
            return t("typed.ask", lang=lang)
        if self.mode == modes.LISTENING:
            return t(f"listen.blocked_{self.blocked}") if self.blocked else t("listen.ask")
        return t("choice.ask_produce", lang=lang) if produce else t("choice.ask_recognise")

    def show(self) -> None:
        """Draw the current card in its mode: the question, and once answered the answer and the grades."""
        p = self.prompt
        if p is None:
            return
        produce, answered = p.direction == "produce", self.phase == ANSWERED
        lang = t(f"lang.{p.lang}")
        tags = [p.scenario_name["zh" if current() == "zh-CN" else "en"], t(f"speaker.{p.speaker}"), lang]
        if p.card.state == 0:
            tags.append(t("drill.tag_new"))
        if p.card.leech:
            tags.append(t("drill.tag_leech"))
        front, front_aid = (p.zh, p.pinyin) if produce else (p.text, p.romanization or "")
        if self.mode == modes.LISTENING and not self.blocked and not answered:
            front, front_aid = t("listen.hidden"), ""
        back, back_aid = (p.text, p.romanization or "") if produce else (p.zh, p.pinyin)
        if not answered:
            back, back_aid = (t("drill.press_space") if self.mode == modes.SELF else ""), ""
        elif self.choice is not None:
            back = ""  # the right option is marked ✓ already; its reading aid stays
        for wid, text in (("status", self._status()), ("meta", " · ".join(tags)), ("ask", self._ask_text(lang)),
                          ("prompt", front), ("prompt-aid", front_aid), ("answer", back),
                          ("answer-aid", back_aid), ("note", p.note if answered and p.note else "")):
            widget = self.query_one(f"#{wid}", Static)
            widget.update(text)
            widget.display = bool(text)  # empty lines take no room
        self.query_one("#answer", Static).set_class(not answered, "hint")
        self._show_mode_widgets(answered)
        self.query_one("#grades").display = answered
        hint = self.query_one("#grade-hint", Static)
        hint.display = answered
        if answered:
            intervals = self.session.intervals(p)
            self.query_one(GradeBar).set(intervals, self.proposed)
            parts = [t("modes.hint_proposed", grade=t(GRADE_NAMES[self.proposed]))] if self.proposed else []
            if not intervals:
                parts.append(t("extra.not_counted"))
            hint.update("    ".join(parts))
            hint.display = bool(parts)
        self._fresh = False
        keybar = self.query_one(KeyBar)
        keybar.pairs = self._keys()
        keybar.refresh()

    def _show_mode_widgets(self, answered: bool) -> None:
        typed = self.query_one(TypedAnswer)
        typed.display = self.mode == modes.TYPED
        if self.mode == modes.TYPED:
            if answered:
                typed.show(self.score, self.prompt.lang, self.prompt.text)
            else:
                typed.ask(t("typed.placeholder", lang=t(f"lang.{self.prompt.lang}")), clear=self._fresh)
        else:
            self.query_one(Input).disabled = True
        choices = self.query_one(ChoiceList)
        choices.display = self.choice is not None
        if self.choice is not None:
            choices.set(self.choice, self.picked if answered else None)

    def _keys(self) -> tuple[tuple[str, str], ...]:
        if self.phase == ANSWERED:
            extra = (("Enter", "modes.keys.accept"), ("r", "modes.keys.right")) if self.proposed else ()
            return (("1-4", "keys.grade"), *extra, ("p", "keys.play"), ("u", "keys.undo"), ("?", "keys.help"),
                    ("Esc", "keys.finish"))
        if self.mode == modes.TYPED:
            return (("Enter", "typed.keys.submit"), ("F3", "modes.keys.mode"), *TYPING_KEYS, ("Esc", "keys.finish"))
        first = ("Space", "keys.reveal") if self.mode == modes.SELF else ("1-4", "modes.keys.pick")
        return (first, ("m", "modes.keys.mode"), ("p", "keys.play"), ("u", "keys.undo"), ("a", "keys.autoplay"),
                ("?", "keys.help"), ("Esc", "keys.finish"))

    # -- answering -------------------------------------------------------------------------------
    def _answered(self, proposed: int | None) -> None:
        self.phase, self.proposed = ANSWERED, proposed
        self.set_focus(None)
        self.show()
        if self.prompt.direction == "produce" or self.mode == modes.SELF:
            self.autoplay()

    def action_space(self) -> None:
        if self.prompt is None:
            return
        if self.phase == ASK and self.mode == modes.SELF:
            self._answered(None)
        elif self.phase == ANSWERED and self.proposed:
            self.action_grade(self.proposed)


    def action_accept(self) -> None:
        self.action_space()

    def action_number(self, n: int) -> None:
        if self.prompt is None:
            return
        if self.phase == ASK and self.choice is not None and n <= len(self.choice.options):
            self.picked = n - 1
            self._answered(GOOD if self.choice.is_correct(n - 1) else AGAIN)
        elif self.phase == ANSWERED:
            self.action_grade(n)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.prompt is None or self.phase != ASK or self.mode != modes.TYPED:
            return
        if not self.query_one(TypedAnswer).ready(event.value):
            return
        from phrasebook.answers import score

        p = self.prompt
        self.score = score(event.value, p.text, p.lang, p.alternatives)
        self._answered(self.score.grade)

    def action_was_right(self) -> None:
        if self.phase == ANSWERED and self.proposed:
            self.action_grade(GOOD)

    def action_grade(self, rating: int) -> None:
        if self.prompt is None or self.phase != ANSWERED:
            return
        elapsed = int((time.monotonic() - self.shown_at) * 1000)
        try:
            self.session.answer(self.prompt, rating, duration_ms=elapsed, mode=self.logged_mode())
        except PhrasebookError as err:  # not saved: the card and its answer stay on screen, same key on retry
            self.notify(err.message(), severity="error", timeout=8)
            return
        try:
            prompt = self.session.next()
        except PhrasebookError as err:  # saved; but no more cards (an exam begun in another window): the summary
            self.notify(err.message(), severity="error", timeout=10)
            prompt = None
        self.advance(prompt)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("grade-"):
            self.action_grade(int(event.button.id.removeprefix("grade-")))

    def action_mode(self) -> None:
        if self.prompt is None:
            return
        if self.phase == ANSWERED:
            self.notify(t("modes.answer_first"), timeout=2)
            return
        mode = modes.next_mode(self.mode, self.prompt.direction)
        self.preferred[self.prompt.direction] = mode
        shown_at = self.shown_at
        self._load(self.prompt, mode, self.asked_at)
        self.shown_at = shown_at
        self.show()
        if self.mode == modes.LISTENING:
            self.autoplay()
        self.notify(t("modes.switched", mode=t(f"modes.name.{mode}")), timeout=2)

    def action_undo(self) -> None:
        if not self.session.can_undo:
            self.notify(t("drill.nothing_to_undo"), timeout=2)
            return
        try:
            prompt = self.session.undo()
        except PhrasebookError as err:
            self.notify(err.message(), severity="error", timeout=8)
            return
        self.advance(prompt)
        self.notify(t("drill.undone"), timeout=2)

    def advance(self, prompt: Prompt | None) -> None:
        self._load(prompt)
        if prompt is None:
            self.action_finish()
        else:
            self.show()
            self.autoplay()

    # -- audio -----------------------------------------------------------------------------------
    def _audible(self) -> Utterance | None:
        """What `p` plays: the foreign phrase once it is on screen (or is the question), else the Chinese."""
        p = self.prompt
        if p is None:
            return None
        if p.direction == "recognise" or self.revealed:
            return Utterance(p.lang, p.text)
        return Utterance("zh", p.zh, p.pinyin)

    def autoplay(self) -> None:
        """Listening plays its clip at once; otherwise, with autoplay on, the foreign phrase plays the moment
        it appears (recognise: at once; produce: once answered)."""
        p = self.prompt
        if p is None:
            return
        listening = self.mode == modes.LISTENING and not self.blocked and self.phase == ASK
        if listening or (self.person.settings.autoplay and (p.direction == "recognise" or self.revealed)):
            self.app.audio.play(Utterance(p.lang, p.text), offer=False)

    def action_play(self) -> None:
        if (utterance := self._audible()) is not None:
            self.app.audio.play(utterance, offer=True)

    def action_toggle_autoplay(self) -> None:
        settings = replace(self.person.settings, autoplay=not self.person.settings.autoplay)
        self.person = update_settings(self.app.store, self.person, settings)
        self.notify(t("audio.tui.autoplay_on" if settings.autoplay else "audio.tui.autoplay_off"), timeout=2)

    def action_finish(self) -> None:
        from phrasebook.tui.screens.summary import SummaryScreen

        self.app.audio.stop()
        try:
            summary = self.session.finish()
        except PhrasebookError as err:  # only the session's end time was not saved; every answer is
            self.notify(err.message(), severity="error", timeout=8)
            summary = self.session.summary
        self.app.switch_screen(SummaryScreen(summary, self.session.remaining()))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))
