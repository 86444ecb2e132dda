"""SQL for cards, the review log and study sessions: the answer path lives here, so it is kept lean."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from phrasebook.errors import PhrasebookError
from phrasebook.store.db import Store

CARD = """c.id, c.person_id, c.phrase_pk, c.lang, c.direction, c.deck_id, c.state, c.step, c.stability,
          c.difficulty, c.due, c.last_review, c.reps, c.lapses, c.leech"""
FILTER = "(:deck IS NULL OR c.deck_id = :deck) AND (:lang IS NULL OR c.lang = :lang)"
NOT_UNDONE = "NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)"
# Extra practice (mode 'extra:…', phrasebook.practice) is logged but never moves a card: replays and the
# daily limits leave it out.
SCHEDULED = "r.mode NOT LIKE 'extra%'"
# A card's live (not undone) scheduling reviews, oldest first: the input to a replay.
CARD_LOG = f"""SELECT r.id, r.rating, r.reviewed_at, r.mode FROM reviews r
               WHERE r.card_id = ? AND r.kind = 'review' AND {SCHEDULED} AND {NOT_UNDONE} ORDER BY r.id"""
# cards.last_review_us from the ISO text being written (fixed width, UTC, microseconds): for the reports' index.
LAST_REVIEW_US = "unixepoch({p}) * 1000000 + CAST(substr({p}, 21, 6) AS INTEGER)"


# The columns of a new card from phrase p and translation t: clerk lines are produced, applicant lines recognised.
NEW_CARD_COLUMNS = """SELECT {person} AS person_id, p.pk AS phrase_pk, t.lang AS lang,
                             CASE p.speaker WHEN 'clerk' THEN 'produce' ELSE 'recognise' END AS direction,
                             p.deck_id AS deck_id, p.position AS position"""
NEW_CARD = "INSERT OR IGNORE INTO cards (person_id, phrase_pk, lang, direction, deck_id, position) " + NEW_CARD_COLUMNS
# Is any card of such a SELECT ({select}) missing? A read: opening a session takes the write lock only if so.
ANY_MISSING = """SELECT EXISTS (SELECT 1 FROM ({select}) n WHERE NOT EXISTS (
                   SELECT 1 FROM cards c WHERE c.person_id = n.person_id AND c.phrase_pk = n.phrase_pk
                   AND c.lang = n.lang AND c.direction = n.direction))"""
STUDIED = "FROM phrases p JOIN translations t ON t.phrase_pk = p.pk WHERE NOT p.retired AND t.lang IN ({marks})"


def ensure_cards(conn: sqlite3.Connection, person_id: int, langs: Sequence[str]) -> int:
    """Create the missing cards of a person for these languages: clerk lines → produce, applicant → recognise."""
    studied = STUDIED.format(marks=",".join("?" * len(langs)))
    return conn.execute(f"{NEW_CARD.format(person='?')} {studied}", (person_id, *langs)).rowcount


def cards_missing(store: Store, person_id: int, langs: Sequence[str]) -> bool:
    """Would `ensure_cards` create any?"""
    studied = STUDIED.format(marks=",".join("?" * len(langs)))
    select = f"{NEW_CARD_COLUMNS.format(person='?')} {studied}"
    return bool(store.value(ANY_MISSING.format(select=select), (person_id, *langs)))


def next_due(store: Store, person_id: int, states: tuple[int, ...], until: str,
             deck: str | None = None, lang: str | None = None) -> sqlite3.Row | None:
    """The earliest-due active card in one of `states` with due <= until."""
    marks = ",".join(str(int(s)) for s in states)
    return store.row(
        f"""SELECT {CARD} FROM cards c
            WHERE c.person_id = :person AND c.active = 1 AND c.state IN ({marks}) AND c.due <= :until
              AND {FILTER}
            ORDER BY c.due LIMIT 1""",
        {"person": person_id, "until": until, "deck": deck, "lang": lang},
    )


def next_new(store: Store, person_id: int, deck: str | None = None, lang: str | None = None) -> sqlite3.Row | None:
    """The first new card in deck order."""
    return store.row(
        f"""SELECT {CARD} FROM cards c
            WHERE c.person_id = :person AND c.active = 1 AND c.state = 0 AND {FILTER}
            ORDER BY c.position, c.lang LIMIT 1""",
        {"person": person_id, "deck": deck, "lang": lang},
    )


def card(store: Store, card_id: int) -> sqlite3.Row | None:
    return store.row(f"SELECT {CARD} FROM cards c WHERE c.id = ?", (card_id,))


def prompt_fields(store: Store, card_id: int) -> sqlite3.Row:
    """What the drill screen shows for a card: the phrase and its translation in the card's language."""
    return store.row(
        """SELECT p.phrase_id, p.scenario, p.speaker, p.zh, p.pinyin, p.note, t.text, t.romanization,
                  t.alternatives, s.zh AS scenario_zh, s.en AS scenario_en
           FROM cards c JOIN phrases p ON p.pk = c.phrase_pk
           JOIN translations t ON t.phrase_pk = c.phrase_pk AND t.lang = c.lang
           LEFT JOIN scenarios s ON s.id = p.scenario
           WHERE c.id = ?""",
        (card_id,),
    )


SET_CARD = f"""UPDATE cards SET state=:state, step=:step, stability=:stability, difficulty=:difficulty, due=:due,
                 last_review=:last_review, last_review_us={LAST_REVIEW_US.format(p=":last_review")}, reps=:reps,
                 lapses=:lapses, leech=:leech WHERE id=:id"""


def _set_card(conn: sqlite3.Connection, card_id: int, state: dict) -> None:
    conn.execute(SET_CARD, {**state, "id": card_id})


def set_card_states(conn: sqlite3.Connection, rows: Iterable[dict]) -> None:
    """Full FSRS state (CardState.to_dict() plus "id") for many cards: generated demo and bench data."""
    conn.executemany(SET_CARD, rows)


# The card as stored (its row, read inside the answer's transaction) → (mode to log, its new state as
# CardState.to_dict(), or None to log the answer and leave the card alone).
Plan = Callable[[sqlite3.Row], tuple[str, "dict | None"]]
# A card's live scheduling log (`card_log` rows, oldest first) → the card state it replays to.
Replay = Callable[[list[sqlite3.Row]], dict]


class Saved(NamedTuple):
    """What the log holds for one answer. `created` False: its key was already there (a retried write), nothing
    was changed, and the fields are what the first write stored."""

    review_id: int
    created: bool
    rating: int
    mode: str
    before: dict           # the card as the answer found it (the review's `prior`)
    card: sqlite3.Row | dict  # the card as stored after the write (a retry: as it is now); its state fields


def _card_row(conn: sqlite3.Connection, card_id: int) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {CARD} FROM cards c WHERE c.id = ?", (card_id,)).fetchone()


def record_answer(store: Store, *, key: str, card_id: int, person_id: int, session_id: int | None, rating: int,
                  reviewed_at: str, duration_ms: int | None, plan: Plan) -> Saved:
    """Append the review and move the card, in one transaction. The new state comes from `plan` applied to the
    card as stored inside that transaction, never to a copy read earlier: another terminal (or an exam being
    logged) may have moved the card since it was shown, and state must stay equal to the replay of the log.
    `key` is the answer's idempotency key: if the log already has it, the first result is returned instead."""
    with store.write() as conn:
        found = conn.execute("SELECT id, rating, mode, prior FROM reviews WHERE answer_key = ?", (key,)).fetchone()
        if found is not None:
            return Saved(found["id"], False, found["rating"], found["mode"], json.loads(found["prior"]),
                         _card_row(conn, card_id))
        row = _card_row(conn, card_id)
        if row is None:  # deleted since it was shown (its trainee removed)
            raise PhrasebookError("reliability.no_card")
        mode, after = plan(row)
        before = _state(row)
        review_id = conn.execute(
            """INSERT INTO reviews (card_id, person_id, session_id, rating, reviewed_at, duration_ms, mode,
                                    state_before, prior, answer_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (card_id, person_id, session_id, rating, reviewed_at, duration_ms, mode, before["state"],
             json.dumps(before), key),
        ).lastrowid
        if after is not None:
            _set_card(conn, card_id, after)
    return Saved(review_id, True, rating, mode, before, row if after is None else after)


STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "leech")


def _state(row: sqlite3.Row) -> dict:
    """A card row's scheduling state as CardState.to_dict() writes it (leech as a bool)."""
    state = {f: row[f] for f in STATE_FIELDS}
    state["leech"] = bool(state["leech"])
    return state


def record_undo(store: Store, review_id: int, undone_at: str, replay: Replay) -> dict | None:
    """Cancel a review by appending an 'undo' row and setting the card to the replay of its log without it; returns
    that state. Settled inside the write transaction: None (nothing written) when the review is no longer the
    card's latest — someone answered the card since (another terminal, an exam being logged) — because undoing it
    would take back more than this answer. Undoing a review already undone (a retried undo) changes nothing."""
    with store.write() as conn:
        r = conn.execute("SELECT card_id, person_id, session_id FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if conn.execute("SELECT 1 FROM reviews WHERE undoes = ?", (review_id,)).fetchone():
            return _state(_card_row(conn, r["card_id"]))
        later = conn.execute(
            f"""SELECT 1 FROM reviews r WHERE r.card_id = ? AND r.id > ? AND r.kind = 'review' AND {NOT_UNDONE}
                LIMIT 1""", (r["card_id"], review_id)).fetchone()
        if later is not None:
            return None
        conn.execute(
            """INSERT INTO reviews (card_id, person_id, session_id, kind, reviewed_at, undoes, mode)
               VALUES (?, ?, ?, 'undo', ?, ?, 'undo')""",
            (r["card_id"], r["person_id"], r["session_id"], undone_at, review_id),
        )
        state = replay(conn.execute(CARD_LOG, (r["card_id"],)).fetchall())
        _set_card(conn, r["card_id"], state)
    return state


def rebuild_card(store: Store, card_id: int, replay: Replay) -> bool:
    """Set one card to the replay of its log, reading the log inside its own short write transaction: an answer
    committed a moment before is in the replay, and one a moment after waits only for this card. True when the
    stored state differed."""
    with store.write() as conn:
        row = _card_row(conn, card_id)
        if row is None:
            return False
        state = replay(conn.execute(CARD_LOG, (card_id,)).fetchall())
        if state == _state(row):
            return False
        _set_card(conn, card_id, state)
    return True


def card_and_log(store: Store, card_id: int) -> tuple[sqlite3.Row | None, list[sqlite3.Row]]:
    """A card and its live scheduling log as of one moment: an answer committed in between cannot make them
    disagree (doctor's check while clerks answer)."""
    with store.snapshot() as conn:
        return _card_row(conn, card_id), conn.execute(CARD_LOG, (card_id,)).fetchall()


def card_log(store: Store, card_id: int) -> list[sqlite3.Row]:
    """A card's live (not undone) scheduling reviews, oldest first: the input to a replay."""
    return store.rows(CARD_LOG, (card_id,))


# A card as made and never scheduled: what the replay of an empty log gives (scheduler.CardState()).
PRISTINE = ("state = 0 AND step IS NULL AND stability IS NULL AND difficulty IS NULL AND due IS NULL "
            "AND last_review IS NULL AND reps = 0 AND lapses = 0 AND NOT leech")


def cards_to_check(store: Store) -> list[int]:
    """Cards whose state doctor must compare with a replay: any with a log, and any without one that is not
    new as made. The rest (never answered, pristine) already equal the replay of their empty log."""
    return [r[0] for r in store.rows(f"SELECT id FROM cards WHERE id IN (SELECT card_id FROM reviews) "
                                     f"OR NOT ({PRISTINE})")]


def duplicate_keys(store: Store) -> int:
    """Answer keys logged more than once: the unique index forbids it, so any is damage (e.g. a copy made without
    the index). Reads only the small partial index."""
    return store.value("""SELECT count(*) FROM (SELECT answer_key FROM reviews WHERE answer_key IS NOT NULL
                          GROUP BY answer_key HAVING count(*) > 1)""")


def orphan_reviews(store: Store) -> int:
    """Log rows whose card is gone (foreign keys off when they were written, or a damaged file)."""
    return store.value("SELECT count(*) FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.id = r.card_id)")


def set_card_state(store: Store, card_id: int, state: dict) -> None:
    with store.write() as conn:
        _set_card(conn, card_id, state)


def day_counts(store: Store, person_id: int, since: str) -> tuple[int, int]:
    """(new cards introduced, reviews of known cards) since `since`, undone answers and extra practice excluded."""
    found = store.row(
        f"""SELECT coalesce(sum(r.state_before = 0), 0), coalesce(sum(r.state_before = 2), 0)
            FROM reviews r WHERE r.person_id = ? AND r.reviewed_at >= ? AND r.kind = 'review' AND {SCHEDULED}
              AND {NOT_UNDONE}""",
        (person_id, since),
    )
    return found[0], found[1]


def queue_counts(store: Store, person_id: int, now: str, deck: str | None = None,
                 lang: str | None = None) -> tuple[int, int, int]:
    """(learning due, review due, new) in a drill's scope: index range counts, cheap on every card shown."""
    params = {"person": person_id, "now": now, "deck": deck, "lang": lang}
    base = f"SELECT count(*) FROM cards c WHERE c.person_id = :person AND c.active = 1 AND {FILTER} AND "
    return (store.value(base + "c.state IN (1, 3) AND c.due <= :now", params),
            store.value(base + "c.state = 2 AND c.due <= :now", params),
            store.value(base + "c.state = 0", params))


def deck_counts(store: Store, person_id: int, now: str) -> list[sqlite3.Row]:
    """Per (deck, language): due now, new, learned, total, leeches — the home screen's table."""
    return store.rows(
        """SELECT c.deck_id, c.lang, d.title_zh, d.title_en,
                  sum(c.state IN (1, 3) AND c.due <= :now) AS learning_due,
                  sum(c.state = 2 AND c.due <= :now) AS review_due,
                  sum(c.state = 0) AS new, sum(c.state != 0) AS seen, count(*) AS total,
                  sum(c.leech) AS leeches
           FROM cards c JOIN decks d ON d.id = c.deck_id
           WHERE c.person_id = :person AND c.active = 1 AND NOT d.retired
           GROUP BY c.deck_id, c.lang ORDER BY d.position, c.lang""",
        {"person": person_id, "now": now},
    )


def start_session(store: Store, person_id: int, deck: str | None, lang: str | None, at: str) -> int:
    with store.write() as conn:
        return conn.execute(
            "INSERT INTO study_sessions (person_id, deck_id, lang, started_at) VALUES (?, ?, ?, ?)",
            (person_id, deck, lang, at),
        ).lastrowid


def end_session(store: Store, session_id: int, at: str) -> None:
    with store.write() as conn:
        conn.execute("UPDATE study_sessions SET ended_at = ? WHERE id = ?", (at, session_id))


def card_ids(store: Store, person_id: int) -> list[int]:
    return [r[0] for r in store.rows("SELECT id FROM cards WHERE person_id = ? ORDER BY id", (person_id,))]
