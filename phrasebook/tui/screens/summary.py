"""End of a drill: how many answered, how they were graded, new cards, time, leeches found."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from phrasebook.i18n import t
from phrasebook.session import Summary
from phrasebook.tui.widgets.keybar import KeyBar

GRADES = {1: "grade.again", 2: "grade.hard", 3: "grade.good", 4: "grade.easy"}


class SummaryScreen(Screen):
    BINDINGS = [Binding("enter,escape,space", "app.pop_screen", show=False)]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        yield Static(t("app.title"), id="banner")
        with Vertical(id="summary"):
            yield Static(t("summary.title"), classes="title")
            if not s.answered:
                yield Static(t("summary.nothing_due"))
            else:
                yield Static(t("summary.answered", count=s.answered, new=s.new, minutes=f"{s.minutes:.1f}"))
                yield Static("   ".join(f"{t(GRADES[r])} {s.ratings[r]}" for r in GRADES))
                correct = s.answered - s.ratings[1]
                yield Static(t("summary.recall", pct=round(100 * correct / s.answered)))
            if getattr(s, "extra", 0):  # extra practice (phrasebook.practice.ExtraSummary)
                yield Static(t("extra.summary", count=s.extra), classes="hint")
            if s.leeches:
                yield Static(t("summary.leeches", phrases=", ".join(s.leeches)), classes="error")
        yield KeyBar(("Enter", "keys.back_home"), id="keys")
