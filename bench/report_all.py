"""All-trainee report on the big database: 500 trainees × 500 phrases × 2,000,000 reviews (built by
bench/bigdb.py on first use): every cohort's counts, every trainee's figures, leeches, daily answers.

Run: python bench/report_all.py   (prints min / median / max in milliseconds over 10 runs, and the database size)
Target (issue 5): ≤ 200 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bigdb import UNTIL, big_db

from phrasebook.reports import build_report
from phrasebook.store import open_store


def main(runs: int = 10) -> None:
    store = open_store(big_db())
    size = {t: store.value(f"SELECT count(*) FROM {t}") for t in ("people", "phrases", "cards", "reviews")}
    print("database: " + ", ".join(f"{n:,} {t}" for t, n in size.items()))
    build_report(store, now=UNTIL)  # warm the page cache once
    times, report = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        report = build_report(store, now=UNTIL)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{'trainees':>8} {'cohorts':>8} {'min ms':>8} {'median ms':>10} {'max ms':>8}")
    print(f"{len(report.trainees):>8} {len(report.cohorts):>8} {min(times):>8.1f} {statistics.median(times):>10.1f} "
          f"{max(times):>8.1f}")
    print("status:", report.status_counts())
    store.close()


if __name__ == "__main__":
    main()
