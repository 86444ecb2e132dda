"""SQL for the content tables: scenarios, decks, phrases, translations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from phrasebook.store.db import Store

POSITION_STRIDE = 10_000  # phrase position = deck position * stride + index in file


@dataclass(frozen=True)
class PhraseRow:
    """A phrase as the importer derived it (pinyin and aids already computed)."""

    phrase_id: str
    scenario: str
    speaker: str
    zh: str
    pinyin: str
    note: str | None
    translations: dict[str, tuple[str, str | None, tuple[str, ...]]]  # lang → (text, romanization, alts)


def save_scenarios(conn: sqlite3.Connection, scenarios: dict[str, dict[str, str]]) -> None:
    conn.execute("DELETE FROM scenarios")
    conn.executemany(
        "INSERT INTO scenarios (id, zh, en, position) VALUES (?, ?, ?, ?)",
        [(key, v.get("zh", key), v.get("en", key), i) for i, (key, v) in enumerate(scenarios.items())],
    )


def deck_digests(store: Store) -> dict[str, tuple[str, str]]:
    """deck id → (digest, source file) of the live (not retired) decks in the database."""
    rows = store.rows("SELECT id, digest, source FROM decks WHERE NOT retired")
    return {r["id"]: (r["digest"], r["source"]) for r in rows}


def save_deck(
    conn: sqlite3.Connection,
    *,
    deck: dict,
    position: int,
    phrases: list[PhraseRow],
    now: str,
) -> None:
    """Upsert one deck. Phrases keep their pk (and so their cards) by (deck, phrase id); missing ones retire."""
    conn.execute(
        """INSERT INTO decks (id, version, title_zh, title_en, languages, source, digest, position, imported_at)
           VALUES (:id, :version, :title_zh, :title_en, :languages, :source, :digest, :position, :now)
           ON CONFLICT (id) DO UPDATE SET version=excluded.version, title_zh=excluded.title_zh,
             title_en=excluded.title_en, languages=excluded.languages, source=excluded.source,
             digest=excluded.digest, position=excluded.position, imported_at=excluded.imported_at, retired=0""",
        {**deck, "languages": json.dumps(deck["languages"]), "position": position, "now": now},
    )
    keep: list[int] = []
    for index, p in enumerate(phrases):
        pk = conn.execute(
            """INSERT INTO phrases (deck_id, phrase_id, scenario, speaker, zh, pinyin, note, position)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (deck_id, phrase_id) DO UPDATE SET scenario=excluded.scenario,
                 speaker=excluded.speaker, zh=excluded.zh, pinyin=excluded.pinyin, note=excluded.note,
                 position=excluded.position, retired=0
               RETURNING pk""",
            (deck["id"], p.phrase_id, p.scenario, p.speaker, p.zh, p.pinyin, p.note,
             position * POSITION_STRIDE + index),
        ).fetchone()[0]
        keep.append(pk)
        conn.execute("DELETE FROM translations WHERE phrase_pk = ?", (pk,))
        conn.executemany(
            "INSERT INTO translations (phrase_pk, lang, text, romanization, alternatives) VALUES (?, ?, ?, ?, ?)",
            [(pk, lang, text, rom, json.dumps(list(alts), ensure_ascii=False))
             for lang, (text, rom, alts) in p.translations.items()],
        )
    marks = ",".join("?" * len(keep))
    conn.execute(f"UPDATE phrases SET retired = 1 WHERE deck_id = ? AND pk NOT IN ({marks})", (deck["id"], *keep))
    sync_cards_with_phrases(conn, deck["id"])


def sync_cards_with_phrases(conn: sqlite3.Connection, deck_id: str) -> None:
    """Copy position/retirement (and translation coverage) of a deck's phrases onto existing cards."""
    conn.execute(
        """UPDATE cards SET
             position = (SELECT position FROM phrases p WHERE p.pk = cards.phrase_pk),
             active = (SELECT NOT p.retired FROM phrases p WHERE p.pk = cards.phrase_pk)
                      AND EXISTS (SELECT 1 FROM translations t
                                  WHERE t.phrase_pk = cards.phrase_pk AND t.lang = cards.lang)
           WHERE deck_id = ?""",
        (deck_id,),
    )


def retire_decks(conn: sqlite3.Connection, deck_ids: Iterable[str]) -> None:
    for deck_id in deck_ids:
        conn.execute("UPDATE decks SET retired = 1 WHERE id = ?", (deck_id,))
        conn.execute("UPDATE phrases SET retired = 1 WHERE deck_id = ?", (deck_id,))
        sync_cards_with_phrases(conn, deck_id)


def decks(store: Store) -> list[sqlite3.Row]:
    return store.rows(
        """SELECT d.*, (SELECT count(*) FROM phrases p WHERE p.deck_id = d.id AND NOT p.retired) AS phrases
           FROM decks d WHERE NOT d.retired ORDER BY d.position, d.id"""
    )


def phrases(store: Store, deck_id: str | None = None) -> list[dict]:
    """Every active phrase with its translations, in deck order (for `phrases --json` and browsing)."""
    out: dict[int, dict] = {}
    for r in store.rows(
        """SELECT p.*, s.zh AS scenario_zh, s.en AS scenario_en FROM phrases p
           JOIN decks d ON d.id = p.deck_id LEFT JOIN scenarios s ON s.id = p.scenario
           WHERE NOT p.retired AND NOT d.retired AND (:deck IS NULL OR p.deck_id = :deck)
           ORDER BY p.position""",
        {"deck": deck_id},
    ):
        out[r["pk"]] = {
            "id": r["phrase_id"], "deck": r["deck_id"], "scenario": r["scenario"],
            "scenario_name": {"zh": r["scenario_zh"], "en": r["scenario_en"]}, "speaker": r["speaker"],
            "zh": r["zh"], "pinyin": r["pinyin"], "note": r["note"], "translations": {},
        }
    for t in store.rows("SELECT * FROM translations ORDER BY phrase_pk, lang"):
        if t["phrase_pk"] in out:
            out[t["phrase_pk"]]["translations"][t["lang"]] = {
                "text": t["text"], "romanization": t["romanization"],
                "alternatives": json.loads(t["alternatives"]),
            }
    return list(out.values())
