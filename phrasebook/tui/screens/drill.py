"""The drill: see the prompt, recall, Space to reveal, 1–4 to grade (each button shows its next interval)."""

from __future__ import annotations

import time
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from phrasebook.audio.speech import Utterance
from phrasebook.i18n import current, t
from phrasebook.people import Person, update_settings
from phrasebook.scheduler import RATINGS
from phrasebook.session import DrillSession, Prompt
from phrasebook.tui.format import interval
from phrasebook.tui.widgets.keybar import KeyBar

KEYS = [("Space", "keys.reveal"), ("1-4", "keys.grade"), ("p", "keys.play"), ("u", "keys.undo"),
        ("a", "keys.autoplay"), ("?", "keys.help"), ("Esc", "keys.finish")]
GRADE_NAMES = {1: "grade.again", 2: "grade.hard", 3: "grade.good", 4: "grade.easy"}


class DrillScreen(Screen):
    BINDINGS = [
        Binding("space", "reveal", show=False),
        *[Binding(str(r), f"grade({r})", show=False) for r in RATINGS],
        Binding("u", "undo", show=False),
        Binding("p", "play", show=False),
        Binding("a", "toggle_autoplay", show=False),
        Binding("question_mark", "help", show=False),
        Binding("escape", "finish", show=False),
    ]

    def __init__(self, person: Person, *, deck: str | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.person = person
        self.session = DrillSession(self.app.store, person, deck=deck, lang=lang,
                                    scheduler=self.app.scheduler, clock=self.app.clock)
        self.prompt: Prompt | None = self.session.next()
        self.revealed = False
        self.shown_at = time.monotonic()

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(t("app.title"), id="banner")
        yield Static(self._status(), id="status")
        with Vertical(id="card"):
            yield Static(id="meta")
            yield Static(id="ask", classes="hint")
            yield Static(id="prompt")
            yield Static(id="prompt-aid")
            yield Static(id="answer")
            yield Static(id="answer-aid")
            yield Static(id="note", classes="hint")
        with Horizontal(id="grades"):
            for r in RATINGS:
                yield Button("", id=f"grade-{r}", classes=f"grade grade-{r}")
        yield KeyBar(*KEYS, id="keys")

    def on_mount(self) -> None:
        if self.prompt is None:
            self.call_after_refresh(self.action_finish)
        else:
            self.show()
            self.autoplay()

    def _status(self) -> str:
        left = self.session.remaining()
        return t("drill.status", learning=left["learning"], review=left["review"], new=left["new"],
                 done=self.session.summary.answered)

    def show(self) -> None:
        """Draw the current card: the question side, or both sides once revealed."""
        p = self.prompt
        if p is None:
            return
        produce = p.direction == "produce"
        zh_ui = current() == "zh-CN"
        lang = t(f"lang.{p.lang}")
        tags = [p.scenario_name["zh" if zh_ui else "en"], t(f"speaker.{p.speaker}"), lang]
        if p.card.state == 0:
            tags.append(t("drill.tag_new"))
        if p.card.leech:
            tags.append(t("drill.tag_leech"))
        front, front_aid = (p.zh, p.pinyin) if produce else (p.text, p.romanization or "")
        back, back_aid = (p.text, p.romanization or "") if produce else (p.zh, p.pinyin)
        back_text = back if self.revealed else t("drill.press_space")
        for wid, text in (("status", self._status()), ("meta", " · ".join(tags)),
                          ("ask", t("drill.ask_produce", lang=lang) if produce else t("drill.ask_recognise")),
                          ("prompt", front), ("prompt-aid", front_aid), ("answer", back_text),
                          ("answer-aid", back_aid if self.revealed else ""),
                          ("note", p.note if self.revealed and p.note else "")):
            widget = self.query_one(f"#{wid}", Static)
            widget.update(text)
            widget.display = bool(text)  # empty lines take no room
        self.query_one("#answer", Static).set_class(not self.revealed, "hint")
        grades = self.query_one("#grades")
        grades.display = self.revealed
        if self.revealed:
            for r, delta in self.session.intervals(p).items():
                self.query_one(f"#grade-{r}", Button).label = f"{r} {t(GRADE_NAMES[r])} · {interval(delta)}"

    # -- actions ---------------------------------------------------------------------------------
    def action_reveal(self) -> None:
        if self.prompt is not None and not self.revealed:
            self.revealed = True
            self.show()
            self.autoplay()

    def action_grade(self, rating: int) -> None:
        if self.prompt is None or not self.revealed:
            return
        elapsed = int((time.monotonic() - self.shown_at) * 1000)
        self.session.answer(self.prompt, rating, duration_ms=elapsed)
        self.advance(self.session.next())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("grade-"):
            self.action_grade(int(event.button.id.removeprefix("grade-")))

    def action_undo(self) -> None:
        if not self.session.can_undo:
            self.notify(t("drill.nothing_to_undo"), timeout=2)
            return
        self.advance(self.session.undo())
        self.notify(t("drill.undone"), timeout=2)

    def advance(self, prompt: Prompt | None) -> None:
        self.prompt, self.revealed, self.shown_at = prompt, False, time.monotonic()
        if prompt is None:
            self.action_finish()
        else:
            self.show()
            self.autoplay()

    # -- audio -----------------------------------------------------------------------------------
    def _audible(self) -> Utterance | None:
        """What `p` plays: the foreign phrase once it is on screen, before that the Chinese line."""
        p = self.prompt
        if p is None:
            return None
        if p.direction == "recognise" or self.revealed:
            return Utterance(p.lang, p.text)
        return Utterance("zh", p.zh, p.pinyin)

    def autoplay(self) -> None:
        """Play the foreign phrase the moment it appears (recognise: at once; produce: on reveal)."""
        p = self.prompt
        if p is not None and self.person.settings.autoplay and (p.direction == "recognise" or self.revealed):
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
        self.app.switch_screen(SummaryScreen(self.session.finish()))

    def action_help(self) -> None:
        from phrasebook.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))
