"""A one-line key hint bar whose texts come from the catalogue (Textual's Footer cannot be translated)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from phrasebook.i18n import t


class KeyBar(Static):
    """Shows ("key", "catalogue key") pairs as `key label · key label`."""

    def __init__(self, *pairs: tuple[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.pairs = pairs

    def render(self) -> Text:
        out = Text()
        for i, (key, label) in enumerate(self.pairs):
            if i:
                out.append("  ")
            out.append(f" {key} ", style="reverse")
            out.append(" " + t(label))
        return out
