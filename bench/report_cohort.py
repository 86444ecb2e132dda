"""Cohort report for one cohort (≈ 40–50 trainees) on the big database (500 trainees × 500 phrases × 2,000,000
reviews; built by bench/bigdb.py on first use).

Run: python bench/report_cohort.py   (prints min / median / max in milliseconds over 20 runs)
Target (issue 5): ≤ 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bigdb import UNTIL, big_db

from phrasebook.cohorts import list_cohorts
from phrasebook.reports import build_report
from phrasebook.store import open_store


def main(runs: int = 20) -> None:
    store = open_store(big_db())
    cohorts = list_cohorts(store)  # newest first: the running cohort, then one long finished
    print(f"{'cohort':>8} {'trainees':>8} {'min ms':>8} {'median ms':>10} {'max ms':>8}")
    for cohort in (cohorts[0], cohorts[-1]):
        build_report(store, now=UNTIL, cohort=cohort)  # warm the page cache once
        times, report = [], None
        for _ in range(runs):
            t0 = time.perf_counter()
            report = build_report(store, now=UNTIL, cohort=cohort)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{cohort.name:>8} {len(report.trainees):>8} {min(times):>8.1f} {statistics.median(times):>10.1f} "
              f"{max(times):>8.1f}")
    store.close()


if __name__ == "__main__":
    main()
