"""Choose what to practise beyond the due cards (weakest cards, leeches, one scenario) or which scenario to
play as a dialogue, in the language of the row selected on the home screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from phrasebook.i18n import current, t
from phrasebook.people import Person
from phrasebook.practice import EXTRA_SIZE
from phrasebook.store import practice as pq
from phrasebook.tui.widgets.keybar import KeyBar


class PracticeMenu(ModalScreen[str | None]):
    """Dismisses with "weak", "leeches" or "scenario:<id>" (None on Esc). purpose: extra | dialogue."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, person: Person, lang: str, purpose: str) -> None:
        super().__init__()
        self.person, self.lang, self.purpose = person, lang, purpose

    def _options(self) -> list[Option]:
        store, zh = self.app.store, current() == "zh-CN"
        overview = pq.scenario_overview(store, self.person.id, self.lang)
        options: list[Option] = []
        if self.purpose == "extra":
            studied = sum(r["studied"] for r in overview)
            leeches = pq.leech_count(store, self.person.id, self.lang)
            options.append(Option(t("extra.weak", n=min(EXTRA_SIZE, studied)), id="weak", disabled=not studied))
            options.append(Option(t("extra.leeches", n=leeches), id="leeches", disabled=not leeches))
            options += [Option(t("extra.scenario", name=r["zh"] if zh else r["en"], studied=r["studied"]),
                               id=f"scenario:{r['scenario']}") for r in overview if r["studied"]]
        else:
            for r in overview:
                options.append(Option(t("dialogue.choose", name=r["zh"] if zh else r["en"], lines=r["cards"],
                                        turns=r["clerk_lines"]),
                                      id=f"scenario:{r['scenario']}", disabled=not r["clerk_lines"]))
        return options

    def compose(self) -> ComposeResult:
        with Vertical(id="practice-menu"):
            yield Static(t(f"{self.purpose}.title"), classes="title")
            yield Static(t(f"{self.purpose}.hint", lang=t(f"lang.{self.lang}")), classes="hint")
            yield OptionList(*self._options(), id="practice-options")
            yield KeyBar(("Enter", "extra.keys.choose"), ("Esc", "extra.keys.back"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        first = next((i for i, o in enumerate(options.options) if not o.disabled), None)
        if first is not None:
            options.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
