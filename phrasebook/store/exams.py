"""SQL for exams (考核): definitions, their fixed items, attempts and answers.

What a trainee's screen reads (`questions`) never selects an item's right answer: `answer`, `alternatives` and
`correct` are read only by `answer_key`, which scoring calls at submission, and by the staff views.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from phrasebook.store.db import Store
from phrasebook.store.people import BY_NAME

EXAM = """x.id, x.title, x.cohort_id, c.name AS cohort_name, c.trainer_id, x.decks, x.scenarios, x.languages,
          x.modes, x.item_count, x.time_limit_min, x.pass_mark, x.opens_at, x.closes_at, x.attempts_allowed,
          x.seed, x.created_by, x.created_at"""
FROM_EXAM = "FROM exams x JOIN cohorts c ON c.id = x.cohort_id"
ATTEMPT = """a.id, a.exam_id, a.person_id, a.number, a.session_id, a.started_at, a.deadline, a.submitted_at,
             a.auto_submitted, a.points, a.percent, a.passed, a.reviews_logged"""


# -- the pool items are drawn from ---------------------------------------------------------------------------
def item_pool(store: Store, *, decks: Sequence[str], scenarios: Sequence[str],
              langs: Sequence[str]) -> list[sqlite3.Row]:
    """Active phrases of the chosen decks and/or scenarios with their translation in each chosen language, in
    deck order (an empty list of decks or scenarios means "any")."""
    params: dict[str, object] = {f"l{i}": v for i, v in enumerate(langs)}
    params |= {f"d{i}": v for i, v in enumerate(decks)} | {f"s{i}": v for i, v in enumerate(scenarios)}

    def among(column: str, prefix: str, values: Sequence[str]) -> str:
        return f"{column} IN ({','.join(f':{prefix}{i}' for i in range(len(values)))})" if values else "1"

    return store.rows(
        f"""SELECT p.pk, p.deck_id, p.phrase_id, p.scenario, p.speaker, p.zh, p.pinyin, t.lang, t.text,
                   t.romanization, t.alternatives
            FROM phrases p JOIN decks d ON d.id = p.deck_id JOIN translations t ON t.phrase_pk = p.pk
            WHERE NOT p.retired AND NOT d.retired AND {among('t.lang', 'l', langs)}
              AND {among('p.deck_id', 'd', decks)} AND {among('p.scenario', 's', scenarios)}
            ORDER BY p.position, t.lang""",
        params,
    )


def scenarios(store: Store) -> list[sqlite3.Row]:
    return store.rows("SELECT id, zh, en FROM scenarios ORDER BY position")


# -- definitions ---------------------------------------------------------------------------------------------
ITEM_COLUMNS = ("position", "phrase_pk", "lang", "direction", "mode", "prompt", "prompt_aid", "options", "answer",
                "alternatives", "correct")


def _insert_items(conn: sqlite3.Connection, exam_id: int, items: Iterable[dict]) -> None:
    conn.executemany(
        f"""INSERT INTO exam_items (exam_id, {', '.join(ITEM_COLUMNS)})
            VALUES (:exam_id, {', '.join(':' + c for c in ITEM_COLUMNS)})""",
        [{**item, "exam_id": exam_id} for item in items],
    )


def insert_exam(store: Store, fields: dict, items: Sequence[dict]) -> int:
    """The exam and its items in one transaction."""
    with store.write() as conn:
        exam_id = conn.execute(
            f"""INSERT INTO exams ({', '.join(fields)}) VALUES ({', '.join(':' + k for k in fields)})""", fields,
        ).lastrowid
        _insert_items(conn, exam_id, items)
    return exam_id


def replace_exam(store: Store, exam_id: int, fields: dict, items: Sequence[dict]) -> bool:
    """Redefine an exam nobody has started (checked inside the transaction); False if someone has."""
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM exam_attempts WHERE exam_id = ? LIMIT 1", (exam_id,)).fetchone():
            return False
        conn.execute(f"UPDATE exams SET {', '.join(f'{k} = :{k}' for k in fields)} WHERE id = :id",
                     {**fields, "id": exam_id})
        conn.execute("DELETE FROM exam_items WHERE exam_id = ?", (exam_id,))
        _insert_items(conn, exam_id, items)
    return True


def delete_exam(store: Store, exam_id: int, *, now: str, force: bool) -> tuple[str, int]:
    """Delete the exam, its items, attempts and answers (the review log keeps its rows: it is append-only) —
    unless, checked inside the same transaction, someone is sitting it now (an attempt open before its deadline),
    or anyone has sat it and not `force`. Returns ("deleted" | "running" | "sat", attempts found)."""
    with store.write() as conn:
        attempts, running = conn.execute(
            "SELECT count(*), coalesce(sum(submitted_at IS NULL AND deadline > ?), 0) FROM exam_attempts "
            "WHERE exam_id = ?", (now, exam_id)).fetchone()
        if running:
            return "running", running
        if attempts and not force:
            return "sat", attempts
        conn.execute("DELETE FROM exams WHERE id = ?", (exam_id,))
    return "deleted", attempts


def exam(store: Store, exam_id: int) -> sqlite3.Row | None:
    return store.row(f"SELECT {EXAM} {FROM_EXAM} WHERE x.id = ?", (exam_id,))


def exams_titled(store: Store, title: str) -> list[sqlite3.Row]:
    return store.rows(f"SELECT {EXAM} {FROM_EXAM} WHERE x.title = ? ORDER BY x.id", (title,))


def exams(store: Store, *, cohort_ids: Sequence[int] | None = None) -> list[sqlite3.Row]:
    """Exams, newest opening first; only those of `cohort_ids` when given."""
    if cohort_ids is not None and not cohort_ids:
        return []
    where = f"WHERE x.cohort_id IN ({','.join(str(int(i)) for i in cohort_ids)})" if cohort_ids else ""
    return store.rows(f"SELECT {EXAM} {FROM_EXAM} {where} ORDER BY x.opens_at DESC, x.id DESC")


def exams_of_member(store: Store, person_id: int) -> list[sqlite3.Row]:
    """Exams of the cohorts a person is currently enrolled in."""
    return store.rows(
        f"""SELECT {EXAM} {FROM_EXAM}
            WHERE EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = x.cohort_id AND e.person_id = ?
                          AND e.withdrawn_at IS NULL)
            ORDER BY x.opens_at DESC, x.id DESC""",
        (person_id,),
    )


def is_member(store: Store, cohort_id: int, person_id: int) -> bool:
    return bool(store.value("SELECT 1 FROM enrolments WHERE cohort_id = ? AND person_id = ? AND withdrawn_at IS NULL",
                            (cohort_id, person_id)))


def items(store: Store, exam_id: int) -> list[sqlite3.Row]:
    """Every item with its right answer and its phrase's ids (staff views, scoring, the CLI's `exam show`). `zh`,
    the item's Chinese, is its copy as the paper was set (the question of a produce item, the answer of a
    recognise one), never the phrase as the deck has it now."""
    return store.rows(
        """SELECT i.*, p.deck_id, p.phrase_id,
                  CASE WHEN i.direction = 'produce' THEN i.prompt ELSE i.answer END AS zh
           FROM exam_items i JOIN phrases p ON p.pk = i.phrase_pk
           WHERE i.exam_id = ? ORDER BY i.position""",
        (exam_id,),
    )


def has_attempts(store: Store, exam_id: int) -> int:
    return store.value("SELECT count(*) FROM exam_attempts WHERE exam_id = ?", (exam_id,))


# -- attempts ------------------------------------------------------------------------------------------------
def attempts(store: Store, exam_id: int, person_id: int | None = None) -> list[sqlite3.Row]:
    return store.rows(
        f"""SELECT {ATTEMPT} FROM exam_attempts a WHERE a.exam_id = :exam
            AND (:person IS NULL OR a.person_id = :person) ORDER BY a.person_id, a.number""",
        {"exam": exam_id, "person": person_id},
    )


def attempt(store: Store, attempt_id: int) -> sqlite3.Row | None:
    return store.row(f"SELECT {ATTEMPT} FROM exam_attempts a WHERE a.id = ?", (attempt_id,))


def running_attempt(store: Store, person_id: int, now: str) -> sqlite3.Row | None:
    """The person's attempt in progress now (open, before its deadline), if any: a read, nothing is closed."""
    return store.row(f"""SELECT {ATTEMPT} FROM exam_attempts a WHERE a.person_id = ? AND a.submitted_at IS NULL
                         AND a.deadline > ? ORDER BY a.deadline LIMIT 1""", (person_id, now))


def start_attempt(store: Store, *, exam_id: int, person_id: int, allowed: int, started_at: str, deadline: str,
                  order: Sequence[tuple[int, int, list[int]]]) -> tuple[str, int | None]:
    """Open a new attempt with its answer rows (item, position, option order), checking inside the transaction
    that the exam still exists, none is open and attempts are left. Returns ("started", id), ("open", id),
    ("used_up", None) or ("gone", None)."""
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM exams WHERE id = ?", (exam_id,)).fetchone() is None:
            return "gone", None  # deleted since the trainee's list was drawn
        found = conn.execute("SELECT id FROM exam_attempts WHERE exam_id = ? AND person_id = ? "
                             "AND submitted_at IS NULL", (exam_id, person_id)).fetchone()
        if found:
            return "open", found[0]
        used = conn.execute("SELECT count(*) FROM exam_attempts WHERE exam_id = ? AND person_id = ?",
                            (exam_id, person_id)).fetchone()[0]
        if used >= allowed:
            return "used_up", None
        session_id = conn.execute(
            "INSERT INTO study_sessions (person_id, deck_id, lang, started_at) VALUES (?, NULL, NULL, ?)",
            (person_id, started_at)).lastrowid
        attempt_id = conn.execute(
            """INSERT INTO exam_attempts (exam_id, person_id, number, session_id, started_at, deadline)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (exam_id, person_id, used + 1, session_id, started_at, deadline)).lastrowid
        conn.executemany(
            "INSERT INTO exam_answers (attempt_id, item_id, position, shown) VALUES (?, ?, ?, ?)",
            [(attempt_id, item_id, position, json.dumps(shown)) for item_id, position, shown in order])
    return "started", attempt_id


def save_answer(store: Store, *, attempt_id: int, item_id: int, typed: str | None, picked: int | None, mode: str,
                at: str) -> bool:
    """Keep one answer (replacing an earlier one) while the attempt is open and its deadline not passed."""
    with store.write() as conn:
        return conn.execute(
            """UPDATE exam_answers SET typed = ?, picked = ?, mode = ?, answered_at = ?
               WHERE attempt_id = ? AND item_id = ?
                 AND EXISTS (SELECT 1 FROM exam_attempts a WHERE a.id = ? AND a.submitted_at IS NULL
                             AND a.deadline > ?)""",
            (typed, picked, mode, at, attempt_id, item_id, attempt_id, at),
        ).rowcount == 1


def questions(store: Store, attempt_id: int) -> list[sqlite3.Row]:
    """An attempt's questions as its trainee sees them — never the right answer — with what they answered."""
    return store.rows(
        """SELECT s.item_id, s.position, i.position AS paper, s.shown, s.typed, s.picked, s.answered_at, i.lang,
                  i.direction, i.mode, i.prompt, i.prompt_aid, i.options
           FROM exam_answers s JOIN exam_items i ON i.id = s.item_id
           WHERE s.attempt_id = ? ORDER BY s.position""",
        (attempt_id,),
    )


def answer_key(store: Store, attempt_id: int) -> list[sqlite3.Row]:
    """Responses with the right answers beside them: for scoring at submission and reviewing afterwards."""
    return store.rows(
        """SELECT s.item_id, s.position, i.position AS paper, s.shown, s.typed, s.picked, s.mode AS asked,
                  s.answered_at, s.outcome,
                  s.points, s.rating, i.lang, i.direction, i.mode, i.phrase_pk, i.prompt, i.prompt_aid, i.options,
                  i.answer, i.alternatives, i.correct
           FROM exam_answers s JOIN exam_items i ON i.id = s.item_id
           WHERE s.attempt_id = ? ORDER BY s.position""",
        (attempt_id,),
    )


def finalize(store: Store, *, attempt_id: int, scored: Sequence[dict], submitted_at: str, auto: bool, points: float,
             percent: float, passed: bool) -> bool:
    """Write every answer's outcome and the attempt's score in one transaction; False if already submitted."""
    with store.write() as conn:
        closed = conn.execute(
            """UPDATE exam_attempts SET submitted_at = ?, auto_submitted = ?, points = ?, percent = ?, passed = ?
               WHERE id = ? AND submitted_at IS NULL""",
            (submitted_at, int(auto), points, percent, int(passed), attempt_id)).rowcount == 1
        if closed:
            conn.executemany(
                """UPDATE exam_answers SET outcome = :outcome, points = :points, rating = :rating
                   WHERE attempt_id = :attempt AND item_id = :item_id""",
                [{**row, "attempt": attempt_id} for row in scored])
            conn.execute("UPDATE study_sessions SET ended_at = ? WHERE id = "
                         "(SELECT session_id FROM exam_attempts WHERE id = ?)", (submitted_at, attempt_id))
    return closed


def expired(store: Store, now: str, person_id: int | None = None) -> list[sqlite3.Row]:
    """Open attempts whose deadline has passed (to close), and closed ones whose reviews are not logged yet."""
    return store.rows(
        f"""SELECT {ATTEMPT} FROM exam_attempts a
            WHERE (:person IS NULL OR a.person_id = :person)
              AND ((a.submitted_at IS NULL AND a.deadline <= :now)
                   OR (a.submitted_at IS NOT NULL AND a.reviews_logged = 0))""",
        {"now": now, "person": person_id},
    )


def card_for(store: Store, person_id: int, phrase_pk: int, lang: str, direction: str) -> int | None:
    return store.value("SELECT id FROM cards WHERE person_id = ? AND phrase_pk = ? AND lang = ? AND direction = ? "
                       "AND active = 1", (person_id, phrase_pk, lang, direction))


def mark_logged(store: Store, attempt_id: int) -> None:
    with store.write() as conn:
        conn.execute("UPDATE exam_attempts SET reviews_logged = 1 WHERE id = ?", (attempt_id,))


# -- results ------------------------------------------------------------------------------------------------
def cohort_people(store: Store, exam_id: int) -> list[sqlite3.Row]:
    """The current members of the exam's cohort and anyone else who sat it (withdrawn since), by name."""
    return store.rows(
        f"""SELECT p.id, p.staff_no, p.name, p.department, p.counter,
                  EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = x.cohort_id AND e.person_id = p.id
                          AND e.withdrawn_at IS NULL) AS enrolled
           FROM exams x JOIN people p
           WHERE x.id = :exam AND (
                 EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = x.cohort_id AND e.person_id = p.id
                         AND e.withdrawn_at IS NULL)
                 OR EXISTS (SELECT 1 FROM exam_attempts a WHERE a.exam_id = x.id AND a.person_id = p.id))
           ORDER BY {BY_NAME}""",
        {"exam": exam_id},
    )


def item_answers(store: Store, attempt_ids: Sequence[int]) -> list[sqlite3.Row]:
    """Outcomes per item over the given (submitted) attempts."""
    if not attempt_ids:
        return []
    marks = ",".join(str(int(i)) for i in attempt_ids)
    return store.rows(f"SELECT item_id, outcome, points, typed, picked FROM exam_answers "
                      f"WHERE attempt_id IN ({marks})")
