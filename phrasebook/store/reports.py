"""SQL for the completion reports. Everything is aggregated inside SQLite: cards per (trainee, deck, language)
through the `cards_assigned` index, study time from the per-day roll-up (never the whole review log), and
FSRS retrievability on the due date with SQLite's own pow() — so 500 trainees × 2,000,000 reviews stay fast."""

from __future__ import annotations

import sqlite3

from phrasebook.clock import DAY_ROLLOVER_HOUR
from phrasebook.store.assignments import EFFECTIVE
from phrasebook.store.db import Store

# Trainees in scope: active trainees, optionally of one cohort (current members) and/or one department.
SCOPE = """SELECT p.id FROM people p
           WHERE p.active = 1 AND p.role = 'trainee'
             AND (:department IS NULL OR p.department = :department)
             AND (:cohort IS NULL OR EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = :cohort
                                             AND e.person_id = p.id AND e.withdrawn_at IS NULL))"""

# Whole days from a card's last review to the due moment, floored as fsrs does (timedelta.days), in integer
# microseconds (cards.last_review_us) so no text is parsed per card.
ELAPSED_DAYS = "max(0, (a.due_us - c.last_review_us) / 86400000000)"


def trainees(store: Store, *, cohort_id: int | None, department: str | None) -> list[sqlite3.Row]:
    """The people in scope with their current cohorts' names (tab-separated)."""
    return store.rows(
        f"""SELECT p.id, p.staff_no, p.name, p.department, p.counter, p.settings,
                   (SELECT group_concat(c.name, char(9)) FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
                    WHERE e.person_id = p.id AND e.withdrawn_at IS NULL) AS cohorts
            FROM people p WHERE p.id IN ({SCOPE}) ORDER BY p.staff_no""",
        {"cohort": cohort_id, "department": department},
    )


def plan_figures(store: Store, *, cohort_id: int | None, department: str | None, mastered_sql: str,
                 decay: float, factor: float) -> list[sqlite3.Row]:
    """One row per (trainee, deck, language) they must learn: total phrases, introduced, mastered, leeches,
    and the sum over its cards of FSRS retrievability at the start of the due date."""
    return store.rows(
        f"""WITH a AS (
                SELECT e.*, unixepoch(e.due_on || ' {DAY_ROLLOVER_HOUR:02d}:00:00', 'utc') * 1000000 AS due_us
                FROM ({EFFECTIVE}) e WHERE e.person_id IN ({SCOPE})),
            totals AS (
                SELECT p.deck_id, t.lang, count(*) AS n FROM phrases p JOIN translations t ON t.phrase_pk = p.pk
                WHERE NOT p.retired GROUP BY p.deck_id, t.lang)
            SELECT a.person_id, a.deck_id, a.lang, a.due_on, a.target, a.start, coalesce(totals.n, 0) AS total,
                   coalesce(f.introduced, 0) AS introduced, coalesce(f.mastered, 0) AS mastered,
                   coalesce(f.leeches, 0) AS leeches, coalesce(f.recall, 0.0) AS recall
            FROM a LEFT JOIN totals ON totals.deck_id = a.deck_id AND totals.lang = a.lang
            LEFT JOIN (
                SELECT a.person_id, a.deck_id, a.lang, count(*) AS introduced,
                       sum({mastered_sql}) AS mastered, sum(c.leech) AS leeches,
                       sum(CASE WHEN c.last_review_us IS NULL OR c.stability IS NULL THEN 0.0
                                ELSE pow(1.0 + :factor * ({ELAPSED_DAYS}) / c.stability, :decay) END) AS recall
                FROM a JOIN cards c INDEXED BY cards_report
                     ON c.person_id = a.person_id AND c.deck_id = a.deck_id AND c.lang = a.lang
                    AND c.state != 0 AND c.active = 1
                GROUP BY a.person_id, a.deck_id, a.lang
            ) f ON f.person_id = a.person_id AND f.deck_id = a.deck_id AND f.lang = a.lang
            ORDER BY a.person_id, a.due_on, a.deck_id, a.lang""",
        {"cohort": cohort_id, "department": department, "decay": decay, "factor": factor},
    )


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
