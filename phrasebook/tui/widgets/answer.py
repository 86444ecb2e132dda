"""Answer widgets shared by the drill and the dialogue: the typed-answer box with its verdict and word diff,
the four choices, and the grade bar with the proposed grade marked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from phrasebook.answers import DiffPart, Outcome, Score
from phrasebook.choices import OPTIONS, Choice
from phrasebook.i18n import t
from phrasebook.scheduler import RATINGS
from phrasebook.tui.format import interval
from phrasebook.tui.widgets.field import Field

GRADE_NAMES = {1: "grade.again", 2: "grade.hard", 3: "grade.good", 4: "grade.easy"}
VERDICT_STYLE = {Outcome.RIGHT: "bold green", Outcome.ALMOST: "bold yellow", Outcome.WRONG: "bold red"}


def render_diff(parts: tuple[DiffPart, ...], spaced: bool = True) -> Text:
    """The typed answer against the expected one: struck red what was typed wrongly or in excess, green
    underlined what belongs there."""
    out = Text()
    glue = " " if spaced else ""
    for part in parts:
        if out and spaced:
            out.append(glue)
        if part.kind == "equal":
            out.append(part.expected)
        elif part.kind == "missing":
            out.append(part.expected, style="bold green underline")
        elif part.kind == "extra":
            out.append(part.typed, style="strike red")
        else:
            out.append(part.typed, style="strike red")
            out.append(glue or "→")
            out.append(part.expected, style="bold green underline")
    return out


def verdict(score: Score) -> Text:
    return Text(t(f"typed.{score.outcome.value}", similarity=round(score.similarity)),
                style=VERDICT_STYLE[score.outcome])


class TypedAnswer(Vertical):
    """An input line; after Enter, the verdict and (when close) what differed, word by word."""

    def compose(self) -> ComposeResult:
        yield Field(id="typed-input", disabled=True)  # enabled only while a typed answer is asked
        yield Static(id="typed-verdict")
        yield Static(id="typed-diff")

    armed = False  # an empty Enter was pressed once: the next one gives up

    def ready(self, value: str) -> bool:
        """Is this Enter an answer? An empty box needs a second Enter (a double press after grading the
        previous card must not throw this one away)."""
        if value.strip() or self.armed:
            return True
        self.armed = True
        self.notify(t("typed.empty"), timeout=3)
        return False

    def ask(self, placeholder: str, *, clear: bool = True) -> None:
        box = self.query_one(Input)
        if clear:
            box.value, self.armed = "", False
        box.placeholder, box.disabled, box.display = placeholder, False, True
        for wid in ("#typed-verdict", "#typed-diff"):
            self.query_one(wid, Static).display = False
        box.focus()

    def show(self, score: Score, lang: str, expected: str) -> None:
        box = self.query_one(Input)
        box.disabled = True  # keys go to the screen again: 1–4, Enter, r
        box.display = False  # what was typed is in the diff; the answer takes its place
        said = verdict(score)
        if score.matched != expected:  # one of the deck's other accepted answers
            said.append("  " + t("typed.matched", answer=score.matched), style="dim")
        self.query_one("#typed-verdict", Static).update(said)
        self.query_one("#typed-verdict", Static).display = True
        diff = self.query_one("#typed-diff", Static)
        diff.update(render_diff(score.diff, spaced=lang not in ("ja", "zh")))
        diff.display = bool(score.diff)


class ChoiceList(Vertical):
    """Options numbered 1–4, each in its own row so a long one wraps under its own text, not under the number.
    In the drill, once answered, the right one is marked ✓ and a wrong pick ✗."""

    def compose(self) -> ComposeResult:
        for _ in range(OPTIONS):
            with Horizontal(classes="option"):
                yield Static(classes="option-mark")
                yield Static(classes="option-text")

    def show(self, rows: Sequence[tuple[Text, Text]]) -> None:
        """One (number, option) pair of texts per row; rows beyond them are hidden."""
        for i, row in enumerate(self.query(".option")):
            row.display = i < len(rows)
            if i < len(rows):
                row.query_one(".option-mark", Static).update(rows[i][0])
                row.query_one(".option-text", Static).update(rows[i][1])

    def set(self, choice: Choice, picked: int | None = None) -> None:
        rows = []
        for i, option in enumerate(choice.options):
            if picked is None:
                rows.append((Text(f" {i + 1} ", style="reverse"), Text(option)))
            elif i == choice.correct:
                rows.append((Text(f" {i + 1} ✓", style="bold green"), Text(option, style="bold green")))
            elif i == picked:
                rows.append((Text(f" {i + 1} ✗", style="strike red"), Text(option, style="strike red")))
            else:
                rows.append((Text(f" {i + 1}  ", style="dim"), Text(option, style="dim")))
        self.show(rows)


class GradeBar(Horizontal):
    """Again/Hard/Good/Easy with the interval each gives (none when the answer does not count for the
    schedule); the proposed grade is highlighted."""

    def compose(self) -> ComposeResult:
        for r in RATINGS:
            button = Button("", id=f"grade-{r}", classes=f"grade grade-{r}")
            button.can_focus = False  # Enter must accept the proposal, never press a focused button
            yield button

    def set(self, intervals: dict[int, timedelta], proposed: int | None) -> None:
        for r in RATINGS:
            button = self.query_one(f"#grade-{r}", Button)
            label = f"{r} {t(GRADE_NAMES[r])}"
            if r in intervals:
                label += f" · {interval(intervals[r])}"
            button.label = ("▶ " + label) if r == proposed else label
            button.set_class(r == proposed, "proposed")
