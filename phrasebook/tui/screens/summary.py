"""End of a drill: how many answered, how they were graded, new cards, time, leeches found, and what is still
due — so leaving before the first answer reads "none answered, this much left", never "nothing to practise"."""

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

    def __init__(self, summary: Summary, left: dict[str, int] | None = None) -> None:
        super().__init__()
        self.summary, self.left = summary, left or {}

    def compose(self) -> ComposeResult:
        s = self.summary
        yield Static(t("app.title"), id="banner")
        with Vertical(id="summary"):
            yield Static(t("summary.title"), classes="title")
            if not s.answered and not any(self.left.values()):
                yield Static(t("summary.nothing_due"))
            elif not s.answered:
                yield Static(t("summary.none_answered"))
            else:
                yield Static(t("summary.answered", count=s.answered, new=s.new, minutes=f"{s.minutes:.1f}"))
                yield Static("   ".join(f"{t(GRADES[r])} {s.ratings[r]}" for r in GRADES))
                correct = s.answered - s.ratings[1]
                yield Static(t("summary.recall", pct=round(100 * correct / s.answered)))
            if self.left.get("extra"):
                yield Static(t("summary.left_extra", left=self.left["extra"]))
            elif any(self.left.values()):
                yield Static(t("summary.left", **self.left))
            if getattr(s, "extra", 0):  # extra practice (phrasebook.practice.ExtraSummary)
                yield Static(t("extra.summary", count=s.extra), classes="hint")
            if s.leeches:
                yield Static(t("summary.leeches", phrases=", ".join(s.leeches)), classes="error")
        yield KeyBar(("Enter", "keys.back_home"), id="keys")
