"""Errors a user can cause and fix. They carry a catalogue key, so the message follows the UI language."""

from __future__ import annotations

import errno

from phrasebook.i18n import t

SAME_REASON = {"EPERM": "EACCES", "EDQUOT": "ENOSPC", "EFBIG": "ENOSPC"}


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


def os_reason(err: OSError) -> str:
    """Why an OS call failed, in the UI language (the system's English strerror only for an errno the
    catalogue does not know)."""
    name = errno.errorcode.get(err.errno or 0, "")
    key = f"reason.{SAME_REASON.get(name, name)}"
    text = t(key)
    return text if name and text != key else str(err.strerror or err)
