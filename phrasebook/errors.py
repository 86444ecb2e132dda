"""Errors a user can cause and fix. They carry a catalogue key, so the message follows the UI language."""

from __future__ import annotations

from phrasebook.i18n import t


class PhrasebookError(Exception):
    """A problem to show as one clear sentence (never a traceback)."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self) -> str:
        return t(self.key, **self.params)

    def __str__(self) -> str:
        return self.message()
