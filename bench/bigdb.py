"""The big benchmark database: 500 trainees × 500 phrases × 2,000,000 reviews, built once and reused.

Run: python bench/bigdb.py [--rebuild]   (≈ 3 minutes the first time; the file lives in $PHRASEBOOK_BENCH_DIR
or /tmp/phrasebook-bench). Content is 10 synthetic decks of 50 phrases in en/ja/ko/ru; people, cohorts,
assignments and histories come from the same generator as `phrasebook demo` (seed 2026), so every card's
state is a replay of its log. The other bench scripts call `big_db()` and build it when it is missing.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from phrasebook.clock import iso
from phrasebook.demo import generate
from phrasebook.store import content, open_store
from phrasebook.store.migrations import LATEST

TRAINEES, PHRASES, REVIEWS, SEED = 500, 500, 2_000_000, 2026
UNTIL = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
LANGS = ("en", "ja", "ko", "ru")
VERSION = f"v{LATEST}-{TRAINEES}-{PHRASES}-{REVIEWS}-{SEED}-4"  # bump the tail when the generator changes


def bench_dir() -> Path:
    return Path(os.environ.get("PHRASEBOOK_BENCH_DIR") or "/tmp/phrasebook-bench")


def big_db(rebuild: bool = False) -> Path:
    """Path of the big database, building it first if it is missing or from another version."""
    folder = bench_dir()
    path = folder / f"big-{VERSION}.db"
    if path.exists() and not rebuild:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("big-*.db*"):
        stale.unlink()
    tmp = folder / "building.db"
    for leftover in folder.glob("building.db*"):
        leftover.unlink()
    started = time.perf_counter()
    store = open_store(tmp)
    with store.write() as conn:
        content.save_scenarios(conn, {"greeting": {"zh": "问候", "en": "Greeting"}})
        per_deck = 50
        for d in range(PHRASES // per_deck):
            rows = [content.PhraseRow(f"b{d}-{i:03d}", "greeting", "clerk" if i % 3 else "applicant",
                                      f"第{d}组句子{i}", "jù zi", None,
                                      {lang: (f"phrase {d}-{i} in {lang}", None, ()) for lang in LANGS})
                    for i in range(per_deck)]
            deck = {"id": f"bench-{d:02d}", "version": 1, "title_zh": f"基准题库{d}", "title_en": f"Bench deck {d}",
                    "languages": list(LANGS), "source": "bench", "digest": "bench"}
            content.save_deck(conn, deck=deck, position=d, phrases=rows, now=iso(UNTIL))

    def progress(done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"  {done}/{total} trainees simulated ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    result = generate(store, trainees=TRAINEES, reviews=REVIEWS, seed=SEED, until=UNTIL, progress=progress)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(path)
    print(f"built {path} in {time.perf_counter() - started:.0f} s: {result}", file=sys.stderr)
    return path


if __name__ == "__main__":
    big_db(rebuild="--rebuild" in sys.argv)
