"""A drilling process for the crash tests (tests/test_crash.py): answers cards through the domain session API,
as fast as it can, and says on stdout what it has saved.

    python tests/crash_drill.py DB STAFF_NO SEED [MAX_ANSWERS]

Time is simulated (30 s on average between answers, starting after the last answer in the log; nothing due:
the clerk comes back a day later), so the queue never runs dry. Prints "ready" once its session is open,
"attempt <key>" before each answer's write and "saved <key>" after the commit returned (what the drill screen
would then show as saved). With CRASH_BEFORE_COMMIT=N in the environment it SIGKILLs itself on the Nth answer
after BEGIN, INSERT and UPDATE but before COMMIT — a hook of this script only, wrapped around the store's
connection; the product has no such switch. It ends itself (SIGALRM) after CRASH_DRILL_DEADLINE_S seconds
(default 60), whatever it is doing, so a test that stopped watching it never leaves it running.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from phrasebook.clock import parse, utcnow
from phrasebook.people import find_person
from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD
from phrasebook.session import DrillSession
from phrasebook.store import open_store


class KillBeforeCommit:
    """The store's connection, except that the Nth COMMIT kills the process instead."""

    def __init__(self, conn, n: int) -> None:
        self._conn, self._left = conn, n

    def execute(self, sql, *args):
        if sql == "COMMIT":
            self._left -= 1
            if self._left == 0:
                os.kill(os.getpid(), signal.SIGKILL)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def main() -> None:
    signal.alarm(int(os.environ.get("CRASH_DRILL_DEADLINE_S", "60")))  # default action: the process ends
    db, staff_no, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
    rng = random.Random(seed)
    store = open_store(db)
    person = find_person(store, staff_no)
    person = replace(person, settings=replace(person.settings, new_per_day=10**6, reviews_per_day=10**6))
    last = store.value("SELECT max(reviewed_at) FROM reviews")
    now = [max(utcnow(), parse(last) + timedelta(seconds=1)) if last else utcnow()]
    session = DrillSession(store, person, clock=lambda: now[0])
    session.new_limit = 10**6
    crash_at = int(os.environ.get("CRASH_BEFORE_COMMIT", "0"))
    if crash_at:
        store.conn = KillBeforeCommit(store.conn, crash_at)
    print("ready", flush=True)
    answered = 0
    while limit is None or answered < limit:
        prompt = session.next()
        if prompt is None:  # nothing due: come back a day later
            now[0] += timedelta(days=1)
            continue
        print(f"attempt {prompt.key}", flush=True)
        session.answer(prompt, rng.choice((AGAIN, HARD, GOOD, GOOD, EASY)), duration_ms=rng.randint(1000, 9000))
        print(f"saved {prompt.key}", flush=True)
        answered += 1
        now[0] += timedelta(seconds=rng.uniform(5, 55))
    session.finish()
    print("done", flush=True)


if __name__ == "__main__":
    main()
