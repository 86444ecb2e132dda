"""The answer path (grade a card + fetch the next one) on the big database: 500 trainees × 500 phrases ×
2,000,000 reviews, with cohorts and assignments (so the queue follows the pace and the reports' roll-up
trigger and indexes are maintained on every answer). Works on a copy; the cached database is not changed.

Run: python bench/answer_path_big.py   (prints session start-up and mean / p50 / p99 per answer in ms)
Target (issue 2, kept by issue 5): ≤ 1.5 ms per answer at 100,000 cards.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bigdb import UNTIL, big_db

from phrasebook.cohorts import list_cohorts, members
from phrasebook.people import MAX_REVIEWS_PER_DAY, StudySettings, update_settings
from phrasebook.session import DrillSession
from phrasebook.store import open_store


def main(answers: int = 2000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        shutil.copy(big_db(), path)
        store = open_store(path)
        running = list_cohorts(store)[0]
        person = max((m.person for m in members(store, running)),
                     key=lambda p: store.value("SELECT count(*) FROM reviews WHERE person_id = ?", (p.id,)))
        person = update_settings(store, person, StudySettings(languages=person.settings.languages,
                                                              new_per_day=person.settings.new_per_day,
                                                              reviews_per_day=MAX_REVIEWS_PER_DAY))
        now = [UNTIL + timedelta(days=10)]  # ten days away: plenty due, and the pace asks for new cards
        t0 = time.perf_counter()
        session = DrillSession(store, person, clock=lambda: now[0])
        start_ms = (time.perf_counter() - t0) * 1000
        rng, costs, days = random.Random(1), [], 1
        prompt = session.next()
        while len(costs) < answers and days <= 14:
            if prompt is None:  # the day's work is done: come back tomorrow, as a trainee would
                session.finish()
                now[0] += timedelta(days=1)
                days += 1
                session = DrillSession(store, person, clock=lambda: now[0])
                prompt = session.next()
                continue
            t0 = time.perf_counter()
            session.answer(prompt, rng.choice((1, 3, 3, 3, 4)), duration_ms=rng.randint(2000, 9000))
            prompt = session.next()
            costs.append((time.perf_counter() - t0) * 1000)
            now[0] += timedelta(seconds=4)
        cards = store.value("SELECT count(*) FROM cards")
        store.close()
    costs.sort()
    print(f"database: {cards:,} cards; trainee {person.staff_no} of {running.name}; "
          f"first session start {start_ms:.1f} ms")
    print(f"{'days':>5} {'answers':>8} {'mean ms':>8} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{days:>5} {len(costs):>8} {statistics.mean(costs):>8.3f} {statistics.median(costs):>8.3f} "
          f"{costs[int(len(costs) * 0.99)]:>8.3f}")


if __name__ == "__main__":
    main()
