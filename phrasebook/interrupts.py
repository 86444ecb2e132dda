"""Ctrl+C (SIGINT) and SIGTERM held back while a few steps must finish together (a restore's safety copy and
install): a signal arriving meanwhile is delivered when the block ends normally, so the program stops after
the steps, never between them. Only the main thread can set signal handlers; elsewhere this does nothing."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held() -> Iterator[None]:
    """Defer SIGINT/SIGTERM to the end of the block. When the block raises, the error is what the user needs to
    read, so a signal that arrived meanwhile is dropped (the program is ending anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    before = {sig: signal.signal(sig, lambda number, _frame: pending.append(number)) for sig in HELD}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
    for number in pending[:1]:
        signal.raise_signal(number)
