"""`audio build`: make every missing file, a few at a time, retrying what the service throttles.

- Bounded concurrency: `jobs` worker threads (engines are network calls or subprocesses).
- Retry with exponential backoff and jitter on 429/5xx/read timeouts, honouring Retry-After.
- `auto`: gTTS first; once gTTS is unreachable for a language, that language goes to espeak-ng (said once).
  With `gtts` chosen explicitly, being offline stops the build: every other request would fail the same way.
- Resumable: each file lands whole (see cache.py); a rerun skips what exists; Ctrl+C keeps what was made.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from phrasebook.audio.cache import AudioCache, Item, engine_of
from phrasebook.audio.engines import Engine, EngineError, make_engine

CHOICES = ("auto", "gtts", "espeak")


@dataclass(frozen=True)
class Outcome:
    item: Item
    status: str  # made | cached | failed | skipped
    engine: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Retry:
    attempts: int = 5
    base: float = 1.0
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self.cap, retry_after)
        return min(self.cap, self.base * 2**attempt) * (0.5 + random.random() / 2)


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    fallback: set[str] = field(default_factory=set)  # languages spoken by espeak-ng because gTTS was unreachable
    offline: bool = False  # gTTS was asked for explicitly and could not be reached
    missing_engine: str | None = None
    interrupted: bool = False

    def by_language(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for o in self.outcomes:
            out.setdefault(o.item.utterance.lang, Counter())[o.status] += 1
        return out

    def total(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return not (self.total("failed") or self.total("skipped") or self.offline or self.interrupted)


class Builder:
    def __init__(self, cache: AudioCache, engine: str = "auto", *, jobs: int = 2, retry: Retry | None = None,
                 engines: dict[str, Engine] | None = None,
                 on_fallback: Callable[[str], None] | None = None) -> None:
        if engine not in CHOICES:
            raise ValueError(engine)
        self.cache, self.choice, self.jobs = cache, engine, max(1, jobs)
        self.retry = retry or Retry()
        self.engines = engines or {}
        self.on_fallback = on_fallback
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.report = BuildReport()

    def engine(self, name: str) -> Engine:
        with self._lock:
            if name not in self.engines:
                self.engines[name] = make_engine(name)
            return self.engines[name]

    def run(self, items: Iterable[Item], progress: Callable[[Outcome], None] | None = None) -> BuildReport:
        """Make what is missing; `progress` is called in the calling thread after each item."""
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="audio")
        try:
            futures = [pool.submit(self._one, item) for item in items]
            for future in as_completed(futures):
                outcome = future.result()
                self.report.outcomes.append(outcome)
                if progress:
                    progress(outcome)
        except KeyboardInterrupt:
            self._stop.set()
            self.report.interrupted = True
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return self.report

    def _candidates(self, lang: str) -> list[str]:
        if self.choice != "auto":
            return [self.choice]
        return ["espeak"] if lang in self.report.fallback else ["gtts", "espeak"]

    def _one(self, item: Item) -> Outcome:
        found = self.cache.find(item.utterance, None if self.choice == "auto" else self.choice)
        if found is not None:
            return Outcome(item, "cached", engine_of(found))
        error = None
        for name in self._candidates(item.utterance.lang):
            if self._stop.is_set():
                return Outcome(item, "skipped")
            try:
                self._make(name, item)
                return Outcome(item, "made", name)
            except EngineError as err:
                error = err
                if err.kind == "missing":
                    self.report.missing_engine = err.detail
                    self._stop.set()
                elif err.kind == "offline" and name == "gtts":
                    if self.choice == "auto":
                        self._fall_back(item.utterance.lang)
                        continue
                    self.report.offline = True
                    self._stop.set()
                elif self.choice == "auto" and name == "gtts":
                    continue  # throttled past every retry: this one phrase gets the offline voice
                break
        return Outcome(item, "failed", None, error.detail if error else None)

    def _fall_back(self, lang: str) -> None:
        with self._lock:
            first = not self.report.fallback
            self.report.fallback.add(lang)
        if first and self.on_fallback:
            self.on_fallback(lang)

    def _make(self, name: str, item: Item) -> None:
        engine = self.engine(name)
        for attempt in range(self.retry.attempts):
            try:
                self.cache.write(engine, item.utterance)
                return
            except EngineError as err:
                if err.kind != "transient" or attempt == self.retry.attempts - 1 or self._stop.is_set():
                    raise
                self.retry.sleep(self.retry.delay(attempt, err.retry_after))
