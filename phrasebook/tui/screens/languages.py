"""Which foreign languages this trainee studies (cards are made for those only)."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from phrasebook.decks import LANGUAGES
from phrasebook.i18n import t
from phrasebook.people import Person, update_settings


class LanguagesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "save", show=False)]

    def __init__(self, person: Person) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        chosen = set(self.person.settings.languages)
        with Vertical(id="languages"):
            yield Static(t("languages.title"), classes="title")
            yield SelectionList[str](*[(t(f"lang.{code}"), code, code in chosen) for code in LANGUAGES])
            yield Static(t("languages.hint"), classes="hint")

    def action_save(self) -> None:
        picked = self.query_one(SelectionList).selected
        if not picked:
            self.notify(t("languages.at_least_one"), severity="warning")
            return
        languages = tuple(c for c in LANGUAGES if c in picked)
        update_settings(self.app.store, self.person, replace(self.person.settings, languages=languages))
        self.dismiss()
