"""The audio cache: audio/<lang>/<key>.<ext>, one file per (engine, language, exact text).

Files are written under a temporary name and renamed into place, so an interrupted build leaves only whole
files (and stray `.part` files that prune removes). Which phrase uses which file is recomputed from the deck
text at any time; `manifest.json` records it for people and other tools.
"""

from __future__ import annotations

import json
import os
import threading
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from phrasebook.audio.engines import Engine, EngineError
from phrasebook.audio.speech import Utterance

EXTENSIONS = {"gtts": "mp3", "espeak": "wav"}
PREFERENCE = ("gtts", "espeak")  # Google's voice when both exist
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Item:
    """One phrase's text in one language, as the builder and the status report see it."""

    deck: str
    phrase_id: str
    utterance: Utterance


def items_from_phrases(phrases: Iterable[dict], languages: Iterable[str] | None = None) -> list[Item]:
    """Every speakable text of the given phrases (the dicts `store.content.phrases` returns)."""
    wanted = set(languages) if languages else None
    out = []
    for p in phrases:
        if wanted is None or "zh" in wanted:
            out.append(Item(p["deck"], p["id"], Utterance("zh", p["zh"], p["pinyin"])))
        for lang, tr in sorted(p["translations"].items()):
            if wanted is None or lang in wanted:
                out.append(Item(p["deck"], p["id"], Utterance(lang, tr["text"])))
    return out


def valid_audio(path: Path, suffix: str | None = None) -> bool:
    """A whole WAV with samples, or an MP3 that starts like one (ID3 tag or an MPEG frame sync)."""
    try:
        if (suffix or path.suffix) == ".wav":
            with wave.open(str(path)) as w:
                return w.getnframes() > 0
        head = path.read_bytes()[:3]
        return head == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    except (OSError, EOFError, wave.Error):
        return False


def wav_seconds(path: Path) -> float | None:
    try:
        with wave.open(str(path)) as w:
            return w.getnframes() / w.getframerate()
    except (OSError, EOFError, wave.Error):
        return None


class AudioCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, engine: str, utterance: Utterance) -> Path:
        return self.root / utterance.lang / f"{utterance.key(engine)}.{EXTENSIONS[engine]}"

    def find(self, utterance: Utterance, engine: str | None = None) -> Path | None:
        """The file to play for this utterance (of one engine, or the preferred one present), else None."""
        for name in (engine,) if engine else PREFERENCE:
            path = self.path(name, utterance)
            if path.exists():
                return path
        return None

    def write(self, engine: Engine, utterance: Utterance) -> Path:
        """Have the engine write the file under a temporary name, check it, then rename it into place."""
        final = self.path(engine.name, utterance)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(f"{final.name}.{os.getpid()}-{threading.get_ident()}.part")
        try:
            engine.synthesise(utterance, part)
            if not valid_audio(part, final.suffix):
                raise EngineError("failed", "not audio")
            os.replace(part, final)
        finally:
            part.unlink(missing_ok=True)
        return final

    def files(self) -> list[Path]:
        return [p for p in self.root.glob("*/*") if p.is_file()]

    def unused(self, items: Iterable[Item]) -> list[Path]:
        """Files no current phrase refers to (and leftovers of interrupted writes)."""
        keep = {self.path(engine, item.utterance) for item in items for engine in PREFERENCE}
        return [p for p in self.files() if p not in keep]

    def prune(self, items: Iterable[Item]) -> list[Path]:
        """Delete every file `unused` names."""
        removed = self.unused(items)
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def write_manifest(self, items: Iterable[Item]) -> int:
        """Record phrase/language → file for every item that has audio; atomically replaced."""
        entries = {}
        for item in items:
            found = self.find(item.utterance)
            if found:
                entries[f"{item.deck}/{item.phrase_id}/{item.utterance.lang}"] = {
                    "file": found.relative_to(self.root).as_posix(), "engine": engine_of(found)}
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"{MANIFEST}.part"
        tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.root / MANIFEST)
        return len(entries)


def engine_of(path: Path) -> str:
    return next(engine for engine, ext in EXTENSIONS.items() if path.suffix == f".{ext}")


@dataclass
class Coverage:
    total: int = 0
    gtts: int = 0
    espeak: int = 0

    @property
    def have(self) -> int:
        return self.gtts + self.espeak


def coverage(cache: AudioCache, items: Iterable[Item]) -> dict[tuple[str, str], Coverage]:
    """(deck, language) → how many texts have audio, and from which engine (the one that would play)."""
    out: dict[tuple[str, str], Coverage] = {}
    for item in items:
        cov = out.setdefault((item.deck, item.utterance.lang), Coverage())
        cov.total += 1
        if found := cache.find(item.utterance):
            setattr(cov, engine_of(found), getattr(cov, engine_of(found)) + 1)
    return out
