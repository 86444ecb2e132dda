"""Deck import: derive pinyin and pronunciation aids, then write every deck in one transaction.

All-or-nothing: decks are validated first (decks.load_decks), and the write is a single transaction, so a
failure leaves the database exactly as it was. Unchanged files are skipped: "unchanged" means the same deck file
*and* the same derivation inputs (pinyin/romaji glossaries, DERIVATION_VERSION), so fixing a glossary or the
romanisation code re-derives every phrase on the next start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from phrasebook.clock import iso, utcnow
from phrasebook.i18n import t
from phrasebook.paths import deck_files, decks_dir, file_digest
from phrasebook.store import Store
from phrasebook.store import content as q

if TYPE_CHECKING:
    from phrasebook.decks import Deck, Problem


DERIVATION_VERSION = "4"  # bump when pinyin/romanisation code changes what it derives
DERIVATION_FILES = ("_pinyin.toml", "_romaji.toml")
SKIPPED_SHOWN = 5  # problems listed at start-up; `deck validate` lists them all


def derivation_stamp() -> str:
    """Identity of everything besides the deck file that shapes what import stores."""
    folder = decks_dir()
    parts = [DERIVATION_VERSION.encode()]
    parts += [(folder / name).read_bytes() if (folder / name).exists() else b"" for name in DERIVATION_FILES]
    return file_digest(b"\0".join(parts))


def import_identity(file_hash: str, stamp: str) -> str:
    """What the decks table stores as `digest`: the file's hash plus the derivation stamp."""
    return f"{file_hash}:{stamp}"


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)  # deck ids written
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    phrases: int = 0
    skipped: list[Problem] = field(default_factory=list)  # at start-up: the problems of deck files left out

    def report(self) -> str:
        """The skipped files' problems as one message for the app or the terminal ("" when none)."""
        if not self.skipped:
            return ""
        lines = [p.message() for p in self.skipped[:SKIPPED_SHOWN]]
        if len(self.skipped) > SKIPPED_SHOWN:
            lines.append(t("deck.skipped_more", count=len(self.skipped) - SKIPPED_SHOWN))
        return t("deck.skipped", problems="\n".join(lines))


def derive(deck: Deck) -> list[q.PhraseRow]:
    """Pinyin (glossary-corrected, or the phrase's override) and romanisation for every phrase."""
    from phrasebook.pinyin import to_pinyin
    from phrasebook.romanize import romanize

    return [
        q.PhraseRow(
            phrase_id=p.id, scenario=p.scenario, speaker=p.speaker, zh=p.zh,
            pinyin=p.pinyin or to_pinyin(p.zh), note=p.note,
            translations={
                lang: (text, romanize(lang, text), p.alternatives.get(lang, ()))
                for lang, text in p.translations.items()
            },
        )
        for p in deck.phrases
    ]


def import_decks(
    store: Store,
    decks: list[Deck],
    *,
    scenarios: dict[str, dict[str, str]],
    positions: dict[str, int] | None = None,
    retire: list[str] = (),
    force: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Write `decks` (skipping unchanged ones unless `force`) and retire the deck ids in `retire`."""
    stored = q.deck_digests(store)
    stamp = derivation_stamp()
    result = ImportResult(retired=[d for d in retire if d in stored])
    todo = []
    for deck in decks:
        if not force and stored.get(deck.id, ("", ""))[0] == import_identity(deck.digest, stamp):
            result.unchanged.append(deck.id)
        else:
            todo.append((deck, derive(deck)))  # derive outside the transaction: it is the slow part
    if not todo and not result.retired:
        return result
    next_position = max((r["position"] for r in store.rows("SELECT position FROM decks")), default=-1) + 1
    existing = {r["id"]: r["position"] for r in store.rows("SELECT id, position FROM decks")}
    with store.write() as conn:
        q.save_scenarios(conn, scenarios)
        for deck, rows in todo:
            if positions and deck.id in positions:
                position = positions[deck.id]
            elif deck.id in existing:
                position = existing[deck.id]
            else:
                position, next_position = next_position, next_position + 1
            meta = {"id": deck.id, "version": deck.version, "title_zh": deck.title_zh,
                    "title_en": deck.title_en, "languages": list(deck.languages),
                    "source": str(deck.path), "digest": import_identity(deck.digest, stamp)}
            q.save_deck(conn, deck=meta, position=position, phrases=rows, now=iso(now or utcnow()))
            result.imported.append(deck.id)
            result.phrases += len(rows)
        q.retire_decks(conn, result.retired)
    return result


def sync_folder(store: Store, folder: Path, *, force: bool = False, skip_bad: bool = False) -> ImportResult:
    """Bring the database in line with a deck folder: import changed files, retire decks whose file is gone.

    A bad file stops the whole sync (DeckError), unless `skip_bad` (start-up): then it is left out and its problems
    come back in `skipped`; what the database holds of that deck stays as it was (its file is not gone)."""
    from phrasebook.decks import load_scenarios, read_decks

    folder = folder.resolve()
    decks, problems = read_decks(folder)
    if problems and not skip_bad:
        from phrasebook.decks import DeckError

        raise DeckError(problems)
    ids = {d.id for d in decks}
    files = deck_files(folder)
    order = {path: i for i, path in enumerate(files)}  # file order, also when a file before it was left out
    gone = [deck_id for deck_id, (_digest, source) in q.deck_digests(store).items()
            if deck_id not in ids and Path(source).parent == folder and Path(source) not in order]
    result = import_decks(
        store, decks, scenarios=load_scenarios(folder),
        positions={d.id: order.get(d.path, i) for i, d in enumerate(decks)}, retire=gone, force=force,
    )
    result.skipped = problems
    return result


def folder_changed(store: Store, folder: Path) -> bool:
    """Cheap start-up check (hashes only, no pypinyin): does the folder differ from the database?"""
    folder = folder.resolve()
    stored = {source: digest for digest, source in q.deck_digests(store).values()}
    files = deck_files(folder)
    if {str(p) for p in files} != {s for s in stored if Path(s).parent == folder}:
        return True
    stamp = derivation_stamp()
    return any(import_identity(file_digest(p.read_bytes()), stamp) != stored.get(str(p)) for p in files)


def sync_if_changed(store: Store, folder: Path) -> ImportResult | None:
    """What the app and CLI do on start: re-import the deck folder only when its files changed. A bad deck file
    must not stop everyone's start: it is left out and reported (`skipped`), the others load."""
    if folder.is_dir() and folder_changed(store, folder):
        return sync_folder(store, folder, skip_bad=True)
    return None
