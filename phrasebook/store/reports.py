"""SQL for the completion reports. Everything is aggregated inside SQLite: cards per (trainee, deck, language)
through the covering partial `cards_report` index, study time from the per-day roll-up (never the whole review log), and
FSRS retrievability on the due date with SQLite's own pow() — so 500 trainees × 2,000,000 reviews stay fast."""

from __future__ import annotations

import sqlite3

from phrasebook.store.assignments import MASTERED_AT, RECALL_AT, effective_sql
from phrasebook.store.db import Store
from phrasebook.store.people import BY_NAME

# Trainees in scope: active trainees, optionally of one cohort (current members) and/or one department.
SCOPE = """SELECT p.id FROM people p
           WHERE p.active = 1 AND p.role = 'trainee'
             AND (:department IS NULL OR p.department = :department)
             AND (:cohort IS NULL OR EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = :cohort
                                             AND e.person_id = p.id AND e.withdrawn_at IS NULL))"""

def trainees(store: Store, *, cohort_id: int | None, department: str | None) -> list[sqlite3.Row]:
    """The people in scope, in name order, with their current cohorts' names (tab-separated)."""
    return store.rows(
        f"""SELECT p.id, p.staff_no, p.name, p.department, p.counter, p.settings,
                   (SELECT group_concat(c.name, char(9)) FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
                    WHERE e.person_id = p.id AND e.withdrawn_at IS NULL) AS cohorts
            FROM people p WHERE p.id IN ({SCOPE}) ORDER BY {BY_NAME}""",
        {"cohort": cohort_id, "department": department},
    )


def plans(store: Store, *, cohort_id: int | None, department: str | None) -> list[sqlite3.Row]:
    """Every (trainee, deck, language) the trainees in scope must learn, with its due date, target and start."""
    return store.rows(f"SELECT * FROM ({effective_sql(f'IN ({SCOPE})')}) ORDER BY person_id, due_on",
                      {"cohort": cohort_id, "department": department})


def totals(store: Store) -> dict[tuple[str, str], int]:
    """Phrases to learn per (deck, language)."""
    return {(r[0], r[1]): r[2] for r in store.rows(
        """SELECT p.deck_id, t.lang, count(*) FROM phrases p JOIN translations t ON t.phrase_pk = p.pk
           WHERE NOT p.retired GROUP BY p.deck_id, t.lang""")}


def card_figures(store: Store, *, cohort_id: int | None, department: str | None, everyone: bool, at_us: int,
                 decay: float, factor: float) -> list[sqlite3.Row]:
    """Per (person, deck, language), over introduced cards: count, leeches, mastered and the sum of FSRS
    retrievability, both judged at one moment `at_us`. One pass over the covering partial index (every
    person when `everyone`, else the people in scope, read by index range)."""
    scope = "" if everyone else f"AND c.person_id IN ({SCOPE})"
    return store.rows(
        f"""SELECT c.person_id, c.deck_id, c.lang, count(*) AS introduced, sum(c.leech) AS leeches,
                   sum({MASTERED_AT.format(at=":at")}) AS mastered, sum({RECALL_AT.format(at=":at")}) AS recall
            FROM cards c INDEXED BY cards_report WHERE c.state != 0 AND c.active = 1 {scope}
            GROUP BY c.person_id, c.deck_id, c.lang""",
        {"cohort": cohort_id, "department": department, "at": at_us, "decay": decay, "factor": factor},
    )


def card_figures_due(store: Store, *, cohort_id: int | None, department: str | None, moments: dict[str, int],
                     decay: float, factor: float) -> list[sqlite3.Row]:
    """Mastered and summed retrievability per (person, deck, language) for assignments due on the dates in
    `moments` (due date → the moment to judge at, µs): the ones still ahead, judged on their due date."""
    if not moments:
        return []
    values = ",".join(f"(:due{i}, :at{i})" for i in range(len(moments)))
    params = {"cohort": cohort_id, "department": department, "decay": decay, "factor": factor}
    for i, (due_on, at_us) in enumerate(moments.items()):
        params |= {f"due{i}": due_on, f"at{i}": at_us}
    return store.rows(
        f"""WITH m(due_on, at_us) AS (VALUES {values}),
            a AS MATERIALIZED (SELECT e.person_id, e.deck_id, e.lang, m.at_us
                               FROM ({effective_sql(f"IN ({SCOPE})")}) e JOIN m ON m.due_on = e.due_on)
            SELECT a.person_id, a.deck_id, a.lang, sum({MASTERED_AT.format(at="a.at_us")}) AS mastered,
                   sum({RECALL_AT.format(at="a.at_us")}) AS recall
            FROM a JOIN cards c INDEXED BY cards_report
                 ON c.person_id = a.person_id AND c.deck_id = a.deck_id AND c.lang = a.lang
                AND c.state != 0 AND c.active = 1
            GROUP BY a.person_id, a.deck_id, a.lang""",
        params,
    )


def introduced_since(store: Store, *, cohort_id: int | None, department: str | None,
                     since: str) -> dict[tuple[int, str, str], int]:
    """(trainee, deck, language) → new cards introduced since `since` (not undone): one index range per trainee."""
    rows = store.rows(
        f"""SELECT r.person_id, c.deck_id, c.lang, count(*) FROM reviews r JOIN cards c ON c.id = r.card_id
            WHERE r.person_id IN ({SCOPE}) AND r.reviewed_at >= :since AND r.kind = 'review' AND r.state_before = 0
              AND r.mode NOT LIKE 'extra%' AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)
            GROUP BY r.person_id, c.deck_id, c.lang""",
        {"cohort": cohort_id, "department": department, "since": since},
    )
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def activity(store: Store, *, cohort_id: int | None, department: str | None) -> list[sqlite3.Row]:
    """Per trainee: answers, study time (ms, capped per answer) and the last answer, from the roll-up."""
    return store.rows(
        f"""SELECT person_id, sum(reviews) AS reviews, sum(duration_ms) AS duration_ms, max(last_at) AS last_at
            FROM review_days WHERE person_id IN ({SCOPE}) GROUP BY person_id""",
        {"cohort": cohort_id, "department": department},
    )


def daily_reviews(store: Store, *, cohort_id: int | None, department: str | None, since: str,
                  person_ids: list[int] | None = None) -> list[sqlite3.Row]:
    """(day, answers, new cards) per study day since `since`, summed over the trainees in scope."""
    only = "" if person_ids is None else f"AND person_id IN ({','.join(str(int(i)) for i in person_ids) or 'NULL'})"
    return store.rows(
        f"""SELECT day, sum(reviews) AS reviews, sum(new_cards) AS new_cards FROM review_days
            WHERE day >= :since AND person_id IN ({SCOPE}) {only} GROUP BY day ORDER BY day""",
        {"cohort": cohort_id, "department": department, "since": since},
    )


def cohort_list(store: Store, *, cohort_id: int | None) -> list[sqlite3.Row]:
    return store.rows(
        """SELECT c.id, c.name, c.starts_on, c.ends_on, c.trainer_id, t.name AS trainer_name
           FROM cohorts c JOIN people t ON t.id = c.trainer_id
           WHERE :cohort IS NULL OR c.id = :cohort ORDER BY c.starts_on, c.name""",
        {"cohort": cohort_id},
    )


def cohort_members(store: Store) -> list[tuple[int, int]]:
    """(cohort id, person id) of every current enrolment."""
    return [(r[0], r[1]) for r in store.rows(
        "SELECT cohort_id, person_id FROM enrolments WHERE withdrawn_at IS NULL")]


def deck_titles(store: Store) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["title_zh"], r["title_en"]) for r in store.rows("SELECT id, title_zh, title_en FROM decks")}
