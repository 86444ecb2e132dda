"""Crash safety with real processes: a drill killed with SIGKILL at random moments (and once between BEGIN and
COMMIT) loses at most the answer it was in the middle of. After every kill: each answer it reported saved is in
the log, no answer is logged twice, `doctor` finds the card states equal to a replay of the log, and the next
run carries on from there. The drilling process is tests/crash_drill.py (the domain session API, no UI)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phrasebook.doctor import check
from phrasebook.people import create_person
from phrasebook.store import open_store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals (SIGKILL)")

SCRIPT = Path(__file__).with_name("crash_drill.py")
RUNS = 24  # about 10 s in all
SEED = 20261123


@contextlib.contextmanager
def drilling(db: Path, out: Path, seed: int, *args: str, env: dict[str, str] | None = None
             ) -> Iterator[subprocess.Popen]:
    """The drilling process, its stdout going to a file (a full pipe would stall it at a print). However the test
    ends — an assertion, a timeout — the process is killed and reaped on the way out: none is left behind. (The
    script also ends itself after its own deadline, should this process die first.)"""
    with out.open("w") as sink, out.with_suffix(".err").open("w") as err:
        proc = subprocess.Popen([sys.executable, str(SCRIPT), str(db), "C1", str(seed), *args], stdout=sink,
                                stderr=err, env={**os.environ, "CRASH_DRILL_DEADLINE_S": "60", **(env or {})})
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def lines(out: Path, prefix: str) -> list[str]:
    return [line.split()[1] for line in out.read_text().splitlines() if line.startswith(prefix + " ")]


def wait_ready(proc: subprocess.Popen, out: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while "ready" not in out.read_text() and proc.poll() is None:
        assert time.monotonic() < deadline, "the drilling process never got ready"
        time.sleep(0.01)


def in_answer(proc: subprocess.Popen, out: Path, timeout: float = 5.0) -> None:
    """Return as soon as the last line printed is an "attempt": the process is inside session.answer()."""
    deadline = time.monotonic() + timeout
    with out.open() as f:
        last = ""
        while proc.poll() is None and time.monotonic() < deadline:
            for line in f:
                last = line
            if last.startswith("attempt") and last.endswith("\n"):
                return


def log_keys(store) -> list[str]:
    return [r[0] for r in store.rows("SELECT answer_key FROM reviews WHERE answer_key IS NOT NULL")]


def assert_consistent(db: Path, saved: list[str], attempted: list[str]) -> int:
    """The checks after a kill; returns the number of answers in the log."""
    store = open_store(db)
    try:
        keys = log_keys(store)
        assert len(keys) == len(set(keys)), "an answer was logged twice"
        missing = set(saved) - set(keys)
        assert not missing, f"answers shown as saved are not in the log: {sorted(missing)}"
        assert set(keys) <= set(attempted), "the log holds an answer nobody attempted"
        report = check(store)
        assert report.integrity == "ok" and report.foreign_keys == 0
        assert report.duplicate_keys == 0 and report.orphan_reviews == 0
        assert report.mismatched == [], "card state disagrees with the log"
        return len(keys)
    finally:
        store.close()


def trainee(db: Path) -> None:
    store = open_store(db)
    create_person(store, name="王芳", staff_no="C1")
    store.close()


def test_killed_at_random_moments_loses_nothing_shown_as_saved(real_db, tmp_path):
    trainee(real_db)
    rng = random.Random(SEED)
    saved: list[str] = []
    attempted: list[str] = []
    logged, killed_mid_answer = 0, 0
    for run in range(RUNS):
        out = tmp_path / f"run{run}.out"
        with drilling(real_db, out, seed=run) as proc:
            if run % 3 == 0:  # during start-up (opening, migrating, preparing cards) or soon after
                time.sleep(rng.uniform(0.0, 0.3))
            else:
                wait_ready(proc, out)
                time.sleep(rng.uniform(0.0, 0.2))
                if run % 3 == 2:  # then at the first moment it is seen inside an answer (attempt shown, not saved)
                    in_answer(proc, out)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        assert "Traceback" not in out.with_suffix(".err").read_text()
        run_saved, run_attempted = lines(out, "saved"), lines(out, "attempt")
        assert run_attempted[:len(run_saved)] == run_saved  # only the answer in flight can lack its "saved"
        assert len(run_attempted) - len(run_saved) <= 1
        killed_mid_answer += len(run_attempted) > len(run_saved)
        saved += run_saved
        attempted += run_attempted
        now_logged = assert_consistent(real_db, saved, attempted)
        assert now_logged >= logged + len(run_saved)  # every run carried on from the one before
        logged = now_logged
    assert len(saved) > 100 and killed_mid_answer >= RUNS // 4  # many kills did land inside an answer


def test_kill_between_begin_and_commit_loses_only_that_answer(real_db, tmp_path):
    trainee(real_db)
    out = tmp_path / "crash.out"
    with drilling(real_db, out, 1, env={"CRASH_BEFORE_COMMIT": "6"}) as proc:
        assert proc.wait(timeout=30) == -signal.SIGKILL
    saved, attempted = lines(out, "saved"), lines(out, "attempt")
    assert len(saved) == 5 and len(attempted) == 6
    assert assert_consistent(real_db, saved, attempted) == 5
    store = open_store(real_db)
    assert attempted[-1] not in log_keys(store)  # inserted and the card updated, but never committed
    store.close()

    again = tmp_path / "again.out"  # the next run carries on: three more answers, all kept
    with drilling(real_db, again, 2, "3") as proc:
        assert proc.wait(timeout=30) == 0
    more = lines(again, "saved")
    assert len(more) == 3
    assert assert_consistent(real_db, saved + more, attempted + lines(again, "attempt")) == 8


def test_the_drill_process_never_outlives_its_deadline(real_db, tmp_path):
    """A drill that would run for ever (no answer limit) ends itself at its deadline: a test that stops watching
    it cannot leave it behind."""
    trainee(real_db)
    out = tmp_path / "deadline.out"
    with drilling(real_db, out, 3, env={"CRASH_DRILL_DEADLINE_S": "1"}) as proc:
        assert proc.wait(timeout=20) == -signal.SIGALRM
    assert lines(out, "saved") and "Traceback" not in out.with_suffix(".err").read_text()


def test_a_failing_test_leaves_no_drill_running(real_db, tmp_path):
    trainee(real_db)
    with pytest.raises(AssertionError), drilling(real_db, tmp_path / "left.out", 4) as proc:
        wait_ready(proc, tmp_path / "left.out")
        raise AssertionError("a check failed while the drill was running")
    assert proc.poll() is not None
