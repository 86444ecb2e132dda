"""'?': every key of the current screen, in the UI language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from phrasebook.i18n import t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q,enter,f1", "dismiss", show=False)]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(t("help.title"), classes="title")
            for key, label in self.keys:
                yield Static(f"[b]{key:<10}[/b] {t(label)}")
            yield Static(t("help.close"), classes="hint")
