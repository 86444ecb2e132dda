"""Offline audio build of every bundled phrase (espeak-ng): wall time with --jobs 1 and --jobs 2, then a rerun's
cache hit rate. Run: python bench/audio_build.py"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from phrasebook import paths
from phrasebook.audio.build import Builder
from phrasebook.audio.cache import AudioCache, items_from_phrases
from phrasebook.importer import sync_folder
from phrasebook.store import content, open_store


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        sync_folder(store, paths.decks_dir())
        items = items_from_phrases(content.phrases(store))
        print(f"{len(items)} texts (zh + en/ja/ko/ru of every bundled phrase)")
        for jobs in (1, 2):
            cache = AudioCache(Path(tmp) / f"audio-{jobs}")
            started = time.perf_counter()
            report = Builder(cache, "espeak", jobs=jobs).run(items)
            seconds = time.perf_counter() - started
            print(f"--jobs {jobs}: {seconds:6.1f} s  made {report.total('made')}, failed {report.total('failed')}"
                  f"  ({1000 * seconds / len(items):.1f} ms per text)")
        started = time.perf_counter()
        rerun = Builder(cache, "espeak", jobs=2).run(items)
        seconds = time.perf_counter() - started
        hits = rerun.total("cached")
        print(f"rerun:    {seconds:6.2f} s  cache hits {hits}/{len(items)} ({100 * hits / len(items):.1f}%), "
              f"made {rerun.total('made')}")
        size = sum(p.stat().st_size for p in cache.files())
        print(f"cache size: {size / 1e6:.0f} MB (WAV)")


if __name__ == "__main__":
    main()
