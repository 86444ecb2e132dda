"""Spawn → first frame: start `phrasebook` in a pseudo-terminal and time until the login screen's text is drawn.

Run: python bench/startup.py [runs]   (prints each run and the median, in seconds; target ≤ 0.35 s)
The database is created and the bundled decks imported once before timing (that first run is reported apart),
and a trainee is added: the timed runs are a clerk's daily start, the login list with their name on it.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BANNER = "政务服务外语标准用语训练系统"  # the login screen's banner (a clerk's daily start)
FIRST_FORM = "首次使用：创建协调员"  # the form that opens by itself on the very first run
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def first_frame(db: Path, mark: str = BANNER, timeout: float = 20.0) -> float:
    exe = shutil.which("phrasebook") or str(Path(sys.executable).parent / "phrasebook")
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30", "PHRASEBOOK_UI_LANG": "zh"}
    start = time.perf_counter()
    proc = subprocess.Popen([exe, "--db", str(db)], stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True)
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if mark in ANSI.sub(b"", seen).decode(errors="ignore"):
                    return time.perf_counter() - start
        raise RuntimeError("the login screen never appeared:\n" + seen.decode(errors="replace")[-2000:])
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "startup.db"
        first = first_frame(db, FIRST_FORM, timeout=120)
        print(f"first run (creates the database, imports bundled decks): {first:.3f} s")
        from phrasebook.people import create_person
        from phrasebook.store import open_store

        store = open_store(db)
        create_person(store, name="刘洋", staff_no="K001", role="coordinator", secret="2468")
        create_person(store, name="张伟", staff_no="A001", department="出入境窗口")
        store.close()
        times = [first_frame(db) for _ in range(runs)]
    for i, t in enumerate(times, 1):
        print(f"run {i}: {t:.3f} s")
    print(f"median spawn → first frame: {statistics.median(times):.3f} s over {runs} runs")


if __name__ == "__main__":
    main()
