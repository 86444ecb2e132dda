"""One way for a screen to meet a problem it cannot prevent (the database busy past the wait or its disk full, a
record deleted from another terminal): a notice in the UI language, and the screen stays as it was — never a
crash. What escapes every screen is turned into one sentence by `problem` (the app then ends, see app.py)."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from textual.screen import Screen
from textual.worker import WorkerFailed

from phrasebook.errors import PhrasebookError
from phrasebook.store.dbfile import explain

P = ParamSpec("P")
T = TypeVar("T")


def problem(error: BaseException, db: Path) -> PhrasebookError | None:
    """The sentence for an error met using the database at `db`; None for anything else (a bug: traceback)."""
    if isinstance(error, WorkerFailed):
        error = error.error
    if isinstance(error, PhrasebookError):
        return error
    if isinstance(error, sqlite3.Error):
        return explain(error, db)
    return None


def told(screen: Screen, err: PhrasebookError) -> None:
    screen.notify(err.message(), severity="error", timeout=6)


def reported(method: Callable[P, T]) -> Callable[P, T | None]:
    """Wrap a (synchronous) screen method: a PhrasebookError or SQLite error it raises is shown, and nothing
    else happens (a write that failed wrote nothing)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T | None:
        screen = args[0]
        try:
            return method(*args, **kwargs)
        except (PhrasebookError, sqlite3.Error) as err:
            told(screen, problem(err, screen.app.store.path))  # type: ignore[arg-type, attr-defined]
            return None

    return wrapper
