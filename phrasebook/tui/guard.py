"""One way for a screen to meet a PhrasebookError it cannot prevent (the database busy past the wait, a record
deleted from another terminal): a notice in the UI language, and the screen stays as it was — never a crash."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from textual.screen import Screen

from phrasebook.errors import PhrasebookError

P = ParamSpec("P")
T = TypeVar("T")


def told(screen: Screen, err: PhrasebookError) -> None:
    screen.notify(err.message(), severity="error", timeout=6)


def reported(method: Callable[P, T]) -> Callable[P, T | None]:
    """Wrap a (synchronous) screen method: a PhrasebookError it raises is shown, and nothing else happens."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return method(*args, **kwargs)
        except PhrasebookError as err:
            told(args[0], err)  # type: ignore[arg-type]
            return None

    return wrapper
