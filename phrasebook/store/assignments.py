"""SQL for assignments: what a trainee must learn (their cohorts' assignments and their own) and how far
they are. Recall and mastery (defined in assignments.py) are computed here, inside SQLite."""

from __future__ import annotations

import sqlite3

from phrasebook.clock import DAY_ROLLOVER_HOUR
from phrasebook.store.cards import ANY_MISSING, NEW_CARD, NEW_CARD_COLUMNS
from phrasebook.store.db import Store
from phrasebook.store.people import BY_NAME

# One row per (person, deck, lang) a person must learn: current cohort assignments plus personal ones.
# Two sources for the same pair: the earliest due date and the highest target win. {people} is an SQL
# condition on person ids ("= :person", "IN (…)"), applied inside both branches so only they are computed.
_EFFECTIVE = """
SELECT person_id, deck_id, lang, min(due_on) AS due_on, max(target) AS target, min(start) AS start
FROM (
    SELECT e.person_id, a.deck_id, a.lang, a.due_on, a.target, max(date(a.created_at, 'localtime', '-{hours} hours'),
                                                                    c.starts_on) AS start
    FROM assignments a JOIN cohorts c ON c.id = a.cohort_id
    JOIN enrolments e ON e.cohort_id = a.cohort_id AND e.withdrawn_at IS NULL
    WHERE e.person_id {people}
    UNION ALL
    SELECT a.person_id, a.deck_id, a.lang, a.due_on, a.target, date(a.created_at, 'localtime', '-{hours} hours')
    FROM assignments a WHERE a.person_id {people}
)
GROUP BY person_id, deck_id, lang
""".replace("{hours}", str(DAY_ROLLOVER_HOUR))  # the start is a local study day, as clock.study_day counts it


def effective_sql(people: str) -> str:
    """The merged-assignments query for the people matching `people` (an SQL condition on a person id)."""
    return _EFFECTIVE.replace("{people}", people)


# FSRS retrievability of card c at the moment {at} (integer µs), exactly as fsrs computes it: whole days since
# the last review (floored), R = (1 + factor·days/S) ** decay. 0 for a card never reviewed.
ELAPSED_DAYS = "(({at} - c.last_review_us) / 86400000000)"
RECALL_AT = f"""CASE WHEN c.last_review_us IS NULL OR c.stability IS NULL THEN 0.0
                ELSE pow(1.0 + :factor * max(0, {ELAPSED_DAYS}) / c.stability, :decay) END"""
# Mastered at {at}: in Review state and R ≥ 0.9, i.e. (FSRS's stability is the time to fall to 90 %) no more
# whole days since the last review than the card's stability — a comparison, no pow() needed.
MASTERED_AT = f"(c.state = 2 AND {ELAPSED_DAYS} <= c.stability)"
ASSIGNMENT = """a.id, a.cohort_id, c.name AS cohort_name, a.person_id, p.staff_no, p.name AS person_name, a.deck_id,
                d.title_zh, d.title_en, a.lang, a.due_on, a.target, a.assigned_by, a.created_at"""


def upsert(conn: sqlite3.Connection, *, cohort_id: int | None, person_id: int | None, deck_id: str, lang: str,
           due_on: str, target: float, assigned_by: int | None, created_at: str) -> int:
    """Assign, or move the due date/target of the same deck+language already assigned to the same holder."""
    holder = "cohort_id" if cohort_id is not None else "person_id"
    return conn.execute(
        f"""INSERT INTO assignments (cohort_id, person_id, deck_id, lang, due_on, target, assigned_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT ({holder}, deck_id, lang) WHERE {holder} IS NOT NULL
            DO UPDATE SET due_on = excluded.due_on, target = excluded.target, assigned_by = excluded.assigned_by
            RETURNING id""",
        (cohort_id, person_id, deck_id, lang, due_on, target, assigned_by, created_at),
    ).fetchone()[0]


def delete(store: Store, assignment_id: int) -> bool:
    with store.write() as conn:
        return conn.execute("DELETE FROM assignments WHERE id = ?", (assignment_id,)).rowcount == 1


def assignments(store: Store, *, cohort_id: int | None = None, person_id: int | None = None) -> list[sqlite3.Row]:
    """Assignments as set (not merged): of one cohort, one person's own, or all."""
    return store.rows(
        f"""SELECT {ASSIGNMENT} FROM assignments a JOIN decks d ON d.id = a.deck_id
            LEFT JOIN cohorts c ON c.id = a.cohort_id LEFT JOIN people p ON p.id = a.person_id
            WHERE (:cohort IS NULL OR a.cohort_id = :cohort) AND (:person IS NULL OR a.person_id = :person)
            ORDER BY a.due_on, c.name, {BY_NAME}, d.position, a.lang""",
        {"cohort": cohort_id, "person": person_id},
    )


def deck_languages(store: Store, deck_id: str) -> sqlite3.Row | None:
    return store.row("SELECT id, languages FROM decks WHERE id = ? AND NOT retired", (deck_id,))


def effective(store: Store, person_id: int) -> list[sqlite3.Row]:
    return store.rows(f"SELECT * FROM ({effective_sql('= :person')}) ORDER BY due_on, deck_id, lang",
                      {"person": person_id})


ASSIGNED = """FROM ({effective}) a JOIN phrases p ON p.deck_id = a.deck_id AND NOT p.retired
              JOIN translations t ON t.phrase_pk = p.pk AND t.lang = a.lang"""


def ensure_assigned_cards(conn: sqlite3.Connection, person_id: int) -> int:
    """Create the cards a person's assignments need (whatever languages they chose to study themselves)."""
    assigned = ASSIGNED.format(effective=effective_sql("= :person"))
    return conn.execute(f"{NEW_CARD.format(person='a.person_id')} {assigned}", {"person": person_id}).rowcount


def assigned_cards_missing(store: Store, person_id: int) -> bool:
    """Would `ensure_assigned_cards` create any?"""
    assigned = ASSIGNED.format(effective=effective_sql("= :person"))
    select = f"{NEW_CARD_COLUMNS.format(person='a.person_id')} {assigned}"
    return bool(store.value(ANY_MISSING.format(select=select), {"person": person_id}))


def progress(store: Store, person_id: int, deck_id: str, lang: str, *, since: str, at_us: int) -> sqlite3.Row:
    """(total phrases to learn, introduced, mastered at `at_us`, introduced since `since`) for one deck+language."""
    return store.row(
        f"""SELECT
              (SELECT count(*) FROM phrases p JOIN translations t ON t.phrase_pk = p.pk AND t.lang = :lang
               WHERE p.deck_id = :deck AND NOT p.retired) AS total,
              (SELECT count(*) FROM cards c WHERE c.person_id = :person AND c.deck_id = :deck AND c.lang = :lang
               AND c.active = 1 AND c.state != 0) AS introduced,
              (SELECT coalesce(sum({MASTERED_AT.format(at=":at")}), 0) FROM cards c INDEXED BY cards_report
               WHERE c.person_id = :person AND c.deck_id = :deck AND c.lang = :lang AND c.state != 0
               AND c.active = 1) AS mastered,
              (SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id
               WHERE r.person_id = :person AND r.reviewed_at >= :since AND r.kind = 'review'
               AND r.state_before = 0 AND c.deck_id = :deck AND c.lang = :lang AND r.mode NOT LIKE 'extra%'
               AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)) AS introduced_today""",
        {"person": person_id, "deck": deck_id, "lang": lang, "since": since, "at": at_us},
    )


def next_new_in(store: Store, person_id: int, deck_id: str, lang: str) -> sqlite3.Row | None:
    """The first new card of one assigned deck+language (an exact index range)."""
    from phrasebook.store.cards import CARD

    return store.row(
        f"""SELECT {CARD} FROM cards c
            WHERE c.person_id = ? AND c.deck_id = ? AND c.lang = ? AND c.active = 1 AND c.state = 0
            ORDER BY c.position LIMIT 1""",
        (person_id, deck_id, lang),
    )
