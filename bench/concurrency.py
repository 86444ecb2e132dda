"""Many clerks answering at once on one database file, through the real answer path (DrillSession.answer).

Run: python bench/concurrency.py                     (both modes below, about a minute with the set-up)
     python bench/concurrency.py --mode flat --procs 64 --seconds 10
     python bench/concurrency.py --mode paced --procs 16 --rate 200 --seconds 10

- flat: every process answers as fast as it can. Targets (issue 7): 0 busy errors, rows inserted = answers
  saved, 0 duplicate keys, integrity_check ok.
- paced: `--rate` answers a second in total, spread over the processes, while one more process builds the
  coordinators' full report in a loop (reads must not hold up writers). Target: write p99 ≤ 10 ms.
- `--long-reader`: one more process holds a read transaction open for the whole run (a coordinator's report
  left open), pinning the WAL: no checkpoint can pass its snapshot, so the WAL cannot be truncated meanwhile.
  The answers must not pay for that (before: every answer ran a TRUNCATE that waited 200 ms for the reader).

"Write latency" is the time of the answer's write (store.cards.record_answer: waiting for the write lock, the
transaction, the commit), measured inside each process. The database is the bundled decks plus `demo` data
(100 trainees, 100,000 reviews), built once into $PHRASEBOOK_BENCH_DIR (default /tmp/phrasebook-bench) and
copied for every run. Processes are forked after the imports, so start-up cost stays out of the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from phrasebook import paths
from phrasebook.clock import utcnow
from phrasebook.errors import PhrasebookError
from phrasebook.importer import sync_folder
from phrasebook.people import find_person
from phrasebook.reports import build_report
from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD
from phrasebook.session import DrillSession
from phrasebook.store import cards as cards_q
from phrasebook.store import open_store
from phrasebook.store.migrations import MIGRATIONS

TRAINEES, REVIEWS = 100, 100_000
RATINGS = (AGAIN, HARD, GOOD, GOOD, GOOD, EASY)


def bench_dir() -> Path:
    return Path(os.environ.get("PHRASEBOOK_BENCH_DIR") or "/tmp/phrasebook-bench")


def base_db() -> Path:
    """The prepared database, built once per schema (other branches' schemas get their own file)."""
    schema = hashlib.sha1(" ".join(m.__name__ for m in MIGRATIONS).encode()).hexdigest()[:8]
    path = bench_dir() / f"concurrency-{schema}.db"
    if path.exists():
        return path
    from phrasebook.demo import generate

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"building {path} (bundled decks + {TRAINEES} trainees, {REVIEWS:,} reviews) …", flush=True)
    store = open_store(tmp)
    sync_folder(store, paths.decks_dir())
    generate(store, trainees=TRAINEES, reviews=REVIEWS, seed=7, until=utcnow())
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(path)
    return path


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def clerk(db: str, staff_no: str, start_at: float, end_at: float, interval: float, seed: int, out: str) -> None:
    """One clerk's process: drill flat out (interval 0) or one answer every `interval` seconds."""
    rng = random.Random(seed)
    latencies: list[float] = []
    real_record = cards_q.record_answer

    def timed_record(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real_record(*args, **kwargs)
        finally:
            latencies.append((time.perf_counter() - t0) * 1000)

    cards_q.record_answer = timed_record  # the session calls it through the module: the real path, timed
    stats = {"attempts": 0, "saved": 0, "busy": 0, "errors": 0, "empty": 0, "keys": []}
    store = open_store(db)
    store.start_checkpointer()  # as the app does
    person = find_person(store, staff_no)
    # Plenty of cards for the whole run: no daily limits in the bench.
    person = replace(person, settings=replace(person.settings, new_per_day=10**6, reviews_per_day=10**6))
    session = DrillSession(store, person)
    session.new_limit = 10**6
    prompt = session.next()
    time.sleep(max(0.0, start_at - time.time()))
    due = time.time() + rng.uniform(0, interval)
    while time.time() < end_at and prompt is not None:
        if interval:
            time.sleep(max(0.0, due - time.time()))
            due += interval
        stats["attempts"] += 1
        try:
            session.answer(prompt, rng.choice(RATINGS), duration_ms=rng.randint(2000, 9000))
        except PhrasebookError as err:  # a write that waited too long: shown to the clerk, answer kept on screen
            stats["busy" if err.key == "reliability.busy" else "errors"] += 1
            continue  # the same prompt (same key) is answered again
        except sqlite3.OperationalError:
            stats["errors"] += 1
            continue
        stats["saved"] += 1
        stats["keys"].append(prompt.key)
        prompt = session.next()
    if prompt is None:
        stats["empty"] = 1
    store.close()
    stats["latencies"] = latencies
    Path(out).write_text(json.dumps(stats))


def reporter(db: str, start_at: float, end_at: float, out: str) -> None:
    """The coordinator's full report (every trainee, every cohort), built again and again."""
    store = open_store(db)
    times = []
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < end_at:
        t0 = time.perf_counter()
        build_report(store, now=utcnow())
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    Path(out).write_text(json.dumps({"times": times}))


def long_reader(db: str, start_at: float, end_at: float) -> None:
    """A read transaction open from before the first answer to after the last one."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM reviews").fetchone()
    time.sleep(max(0.0, end_at + 0.5 - time.time()))
    conn.execute("COMMIT")
    conn.close()


def run(mode: str, procs: int, seconds: float, rate: float, reports: bool, pin: bool = False) -> dict:
    tmpdir = Path(tempfile.mkdtemp(prefix="pb-conc-"))
    try:
        db = tmpdir / "bench.db"
        shutil.copy(base_db(), db)
        store = open_store(db)
        first_id = store.value("SELECT coalesce(max(id), 0) FROM reviews")
        staff = [r[0] for r in store.rows("SELECT staff_no FROM people WHERE role = 'trainee' ORDER BY id")]
        store.close()
        interval = procs / rate if mode == "paced" else 0.0
        ctx = mp.get_context("fork")
        start_at = time.time() + 1.0 + procs * 0.03  # every process open and its first card fetched
        end_at = start_at + seconds
        jobs = []
        pinning = ctx.Process(target=long_reader, args=(str(db), start_at, end_at)) if pin else None
        if pinning:
            pinning.start()
        for i in range(procs):
            out = tmpdir / f"clerk{i}.json"
            p = ctx.Process(target=clerk, args=(str(db), staff[i % len(staff)], start_at, end_at, interval, i,
                                                str(out)))
            p.start()
            jobs.append((p, out))
        report_job = None
        if reports:
            report_job = (ctx.Process(target=reporter, args=(str(db), start_at, end_at, str(tmpdir / "rep.json"))),
                          tmpdir / "rep.json")
            report_job[0].start()
        wal, wal_max = Path(f"{db}-wal"), 0
        while any(p.is_alive() for p, _out in jobs):  # the WAL's size while everyone runs
            with contextlib.suppress(OSError):
                wal_max = max(wal_max, wal.stat().st_size)
            time.sleep(0.05)
        for p, _out in [*jobs, *([report_job] if report_job else [])]:
            p.join()
        if pinning:
            pinning.join()
        results = [json.loads(out.read_text()) for _p, out in jobs if out.exists()]
        crashed = procs - len(results)
        store = open_store(db)
        inserted = store.value("SELECT count(*) FROM reviews WHERE id > ? AND kind = 'review'", (first_id,))
        distinct = store.value("SELECT count(DISTINCT answer_key) FROM reviews WHERE id > ?", (first_id,))
        keys = [k for r in results for k in r["keys"]]
        store.conn.execute("CREATE TEMP TABLE shown_saved (answer_key TEXT)")
        store.conn.executemany("INSERT INTO shown_saved VALUES (?)", ((k,) for k in keys))
        found = store.value("SELECT count(*) FROM shown_saved s JOIN reviews r ON r.answer_key = s.answer_key")
        integrity = store.value("PRAGMA integrity_check")
        store.close()
        lat = sorted(x for r in results for x in r["latencies"])
        figures = {
            "mode": mode, "long_reader": pin, "procs": procs, "seconds": seconds,
            "rate": rate if mode == "paced" else None,
            "attempts": sum(r["attempts"] for r in results), "saved": sum(r["saved"] for r in results),
            "inserted": inserted, "duplicates": inserted - distinct, "saved_in_log": found,
            "busy": sum(r["busy"] for r in results), "errors": sum(r["errors"] for r in results),
            "crashed": crashed, "ran_dry": sum(r["empty"] for r in results), "integrity": integrity,
            "throughput": inserted / seconds, "p50": percentile(lat, 0.50), "p99": percentile(lat, 0.99),
            "max": lat[-1] if lat else float("nan"), "mean": statistics.mean(lat) if lat else float("nan"),
            "wal_max_mib": wal_max / 2**20,
        }
        if report_job and report_job[1].exists():
            rep = json.loads(report_job[1].read_text())
            figures["reports"] = len(rep["times"])
            figures["report_median"] = statistics.median(rep["times"]) if rep["times"] else float("nan")
        return figures
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def show(f: dict) -> None:
    head = (f"{f['mode']}: {f['procs']} processes, {f['seconds']:g} s"
            + (f", paced at {f['rate']:g} answers/s" if f["rate"] else ", flat out")
            + (", one long reader pinning the WAL" if f["long_reader"] else ""))
    print(head)
    print(f"  attempts {f['attempts']}, saved {f['saved']}, rows inserted {f['inserted']}, "
          f"saved keys found in the log {f['saved_in_log']}, duplicates {f['duplicates']}")
    print(f"  busy errors {f['busy']}, other errors {f['errors']}, processes lost {f['crashed']}, "
          f"ran out of cards {f['ran_dry']}, integrity_check {f['integrity']}")
    print(f"  throughput {f['throughput']:.0f} answers/s; write latency ms: mean {f['mean']:.2f}, "
          f"p50 {f['p50']:.2f}, p99 {f['p99']:.2f}, max {f['max']:.1f}; largest WAL {f['wal_max_mib']:.1f} MiB")
    if "reports" in f:
        print(f"  reports built meanwhile: {f['reports']} (median {f['report_median']:.0f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("flat", "paced", "both"), default="both")
    ap.add_argument("--procs", type=int, help="processes (default 64 flat, 16 paced)")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=200.0, help="paced mode: answers per second in total")
    ap.add_argument("--no-reports", action="store_true", help="paced mode: no report process")
    ap.add_argument("--long-reader", action="store_true", help="one more process holds a read transaction open")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs (load average before: {load}), SQLite {sqlite3.sqlite_version}, "
          f"Python {sys.version.split()[0]}", flush=True)
    base_db()
    for mode in (("flat", "paced") if args.mode == "both" else (args.mode,)):
        procs = args.procs or (64 if mode == "flat" else 16)
        figures = run(mode, procs, args.seconds, args.rate, reports=mode == "paced" and not args.no_reports,
                      pin=args.long_reader)
        show(figures)
        if args.json:
            print(json.dumps(figures))


if __name__ == "__main__":
    main()
