"""SQL for the practice modes: option pools for multiple choice, extra-practice selections, scenario
role-plays, and the extra-practice log row (a review that leaves the card as it was)."""

from __future__ import annotations

import sqlite3

from phrasebook.store.cards import CARD
from phrasebook.store.db import Store

LANG = "(:lang IS NULL OR c.lang = :lang)"


def phrase_pool(store: Store, lang: str) -> list[sqlite3.Row]:
    """Every active phrase with its translation in `lang`: where multiple-choice options come from."""
    return store.rows(
        """SELECT p.deck_id, p.phrase_id, p.scenario, p.speaker, p.zh, t.text
           FROM phrases p JOIN translations t ON t.phrase_pk = p.pk AND t.lang = ?
           WHERE NOT p.retired ORDER BY p.position""",
        (lang,),
    )


def extra_cards(store: Store, person_id: int, kind: str, *, lang: str | None = None,
                scenario: str | None = None, limit: int = 20) -> list[sqlite3.Row]:
    """Cards already studied to practise beyond what is due: the weakest (lowest FSRS stability — forgotten
    soonest — then most lapses), the leeches, or one scenario's in deck order."""
    where, order = {
        "weak": ("1", "c.stability, c.lapses DESC, c.position"),
        "leeches": ("c.leech = 1", "c.lapses DESC, c.position"),
        "scenario": ("p.scenario = :scenario", "c.position, c.lang"),
    }[kind]
    return store.rows(
        f"""SELECT {CARD} FROM cards c JOIN phrases p ON p.pk = c.phrase_pk
            WHERE c.person_id = :person AND c.active = 1 AND c.state != 0 AND {LANG} AND {where}
            ORDER BY {order} LIMIT :limit""",
        {"person": person_id, "lang": lang, "scenario": scenario, "limit": limit},
    )


def scenario_overview(store: Store, person_id: int, lang: str | None = None) -> list[sqlite3.Row]:
    """Per scenario, in visit order: the person's cards, how many are studied, leeches, clerk lines."""
    return store.rows(
        f"""SELECT p.scenario, coalesce(s.zh, p.scenario) AS zh, coalesce(s.en, p.scenario) AS en,
                   count(*) AS cards, sum(c.state != 0) AS studied, sum(c.leech) AS leeches,
                   sum(p.speaker = 'clerk') AS clerk_lines
            FROM cards c JOIN phrases p ON p.pk = c.phrase_pk LEFT JOIN scenarios s ON s.id = p.scenario
            WHERE c.person_id = :person AND c.active = 1 AND {LANG}
            GROUP BY p.scenario ORDER BY min(coalesce(s.position, 999)), min(p.position)""",
        {"person": person_id, "lang": lang},
    )


def scenario_name(store: Store, scenario: str) -> sqlite3.Row | None:
    return store.row("SELECT zh, en FROM scenarios WHERE id = ?", (scenario,))


def leech_count(store: Store, person_id: int, lang: str | None = None) -> int:
    return store.value(f"SELECT count(*) FROM cards c WHERE c.person_id = :person AND c.active = 1 "
                       f"AND c.leech = 1 AND {LANG}", {"person": person_id, "lang": lang})


def dialogue_lines(store: Store, person_id: int, scenario: str, lang: str) -> list[sqlite3.Row]:
    """A scenario's phrases in deck order with the person's card for each (produce for clerk lines,
    recognise for applicant lines; NULL when the person does not study the language)."""
    return store.rows(
        """SELECT p.deck_id, p.phrase_id, p.speaker, p.zh, p.pinyin, t.text, t.romanization, t.alternatives,
                  c.id AS card_id
           FROM phrases p JOIN translations t ON t.phrase_pk = p.pk AND t.lang = :lang
           LEFT JOIN cards c ON c.person_id = :person AND c.phrase_pk = p.pk AND c.lang = :lang AND c.active = 1
                AND c.direction = CASE p.speaker WHEN 'clerk' THEN 'produce' ELSE 'recognise' END
           WHERE p.scenario = :scenario AND NOT p.retired ORDER BY p.position""",
        {"person": person_id, "scenario": scenario, "lang": lang},
    )
