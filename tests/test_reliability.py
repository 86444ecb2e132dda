"""Concurrency and idempotency: answer keys (a retried answer is logged once), the write lock's bounded wait
and its clear error, migrations racing at start-up, doctor's log checks, and checkpoints kept off the answer path."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
import time
from dataclasses import replace

import pytest

from phrasebook import modes
from phrasebook.dialogue import DialogueSession
from phrasebook.doctor import check
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.people import create_person
from phrasebook.practice import ExtraSession
from phrasebook.scheduler import AGAIN, EASY, GOOD
from phrasebook.session import DrillSession, card_state, new_key
from phrasebook.store import cards as q
from phrasebook.store import open_store
from phrasebook.store.migrations import LATEST, migrate


def review_rows(store) -> list[sqlite3.Row]:
    return store.rows("SELECT id, card_id, rating, mode, answer_key FROM reviews WHERE kind = 'review' ORDER BY id")


def locked(path) -> sqlite3.Connection:
    """Another process's connection holding the write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


# -- answer keys ---------------------------------------------------------------------------------------------
def test_keys_are_distinct_and_time_ordered():
    keys = [new_key() for _ in range(1000)]
    assert len(set(keys)) == 1000 and all(len(k) == 32 for k in keys)
    assert keys[0][:12] <= keys[-1][:12]


def test_answering_the_same_prompt_twice_logs_it_once(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    prompt = s.next()
    first = s.answer(prompt, GOOD)
    clock.advance(seconds=30)
    again = s.answer(prompt, EASY)  # a retry (say, a double press): same key
    assert again == first
    assert len(review_rows(mini_store)) == 1 and s.summary.answered == 1 and s.new_today == 1
    assert check(mini_store).ok


def test_a_retry_finding_its_key_returns_what_was_stored(mini_store, clock):
    """The first write committed but its caller never heard (say it failed right after COMMIT): the retry
    applies nothing a second time and reports the stored result, counted once."""
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    prompt = s.next()
    real = q.record_answer

    def lost_reply(*args, **kwargs):
        real(*args, **kwargs)
        raise PhrasebookError("reliability.busy", seconds=15)

    q.record_answer = lost_reply
    try:
        with pytest.raises(PhrasebookError):
            s.answer(prompt, AGAIN)
    finally:
        q.record_answer = real
    stored = q.card(mini_store, prompt.card_id)
    clock.advance(minutes=5)
    after = s.answer(prompt, EASY)  # the trainee grades again; the first grade stands
    assert [r["rating"] for r in review_rows(mini_store)] == [AGAIN]
    assert tuple(q.card(mini_store, prompt.card_id)) == tuple(stored)
    assert after == card_state(stored)
    assert s.summary.ratings[AGAIN] == 1 and s.summary.answered == 1
    assert check(mini_store).ok


def test_the_log_refuses_a_key_twice(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    s.answer(s.next(), GOOD)
    row = review_rows(mini_store)[0]
    with pytest.raises(sqlite3.IntegrityError), mini_store.write() as conn:
        conn.execute("INSERT INTO reviews (card_id, person_id, reviewed_at, answer_key) VALUES (?, ?, ?, ?)",
                     (row["card_id"], person.id, "2026-11-23T01:00:00.000000+00:00", row["answer_key"]))
    assert len(review_rows(mini_store)) == 1


def test_every_answer_path_logs_a_key(mini_store, clock):
    """Drill, extra practice (counted or not) and dialogue all write through record_answer with a key."""
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    for _ in range(4):
        s.answer(s.next(), EASY)
    extra = ExtraSession(mini_store, person, kind="weak", clock=clock)
    extra.answer(extra.next(), GOOD)  # not due: logged as extra practice, card untouched
    scenario = mini_store.value("SELECT scenario FROM phrases LIMIT 1")
    dialogue = DialogueSession(mini_store, person, scenario=scenario, lang="en", clock=clock)
    while dialogue.current is not None and not dialogue.current.is_turn:
        dialogue.listen()
    dialogue.reply(GOOD)
    rows = review_rows(mini_store)
    assert {r["mode"] for r in rows} >= {modes.SELF, modes.logged(modes.SELF, scheduled=False), modes.DIALOGUE}
    assert all(r["answer_key"] for r in rows) and len({r["answer_key"] for r in rows}) == len(rows)
    assert check(mini_store).ok


def test_a_dialogue_reply_retried_after_an_error_keeps_its_key(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    scenario = mini_store.value("SELECT scenario FROM phrases LIMIT 1")
    d = DialogueSession(mini_store, person, scenario=scenario, lang="en", clock=clock)
    while not d.current.is_turn:
        d.listen()
    real, calls = q.record_answer, []

    def busy_once(*args, **kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 1:
            raise PhrasebookError("reliability.busy", seconds=15)
        return real(*args, **kwargs)

    q.record_answer = busy_once
    try:
        position = d.position
        with pytest.raises(PhrasebookError):
            d.reply(GOOD)
        assert d.position == position and not d.result.turns  # nothing moved on
        d.reply(GOOD)
    finally:
        q.record_answer = real
    assert calls[0] == calls[1] and len(review_rows(mini_store)) == 1 and len(d.result.turns) == 1


def test_an_undo_that_fails_changes_nothing_and_a_repeated_undo_is_one(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    prompt = s.next()
    s.answer(prompt, GOOD)
    other = locked(mini_store.path)
    mini_store.patience_s = 0.2
    with pytest.raises(PhrasebookError):
        s.undo()
    other.execute("ROLLBACK")
    other.close()
    assert s.can_undo and s.summary.answered == 1
    review_id = review_rows(mini_store)[0]["id"]
    s.undo()
    q.record_undo(mini_store, review_id, "2026-11-23T01:05:00.000000+00:00", lambda log: 1 / 0)  # a retried undo
    assert mini_store.value("SELECT count(*) FROM reviews WHERE kind = 'undo'") == 1
    assert check(mini_store).ok


# -- waiting for the write lock ------------------------------------------------------------------------------
def test_a_write_waits_for_the_lock_then_goes_through(db_path):
    store = open_store(db_path)
    other = locked(db_path)
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    t0 = time.monotonic()
    with store.write() as conn:
        conn.execute("INSERT INTO settings VALUES ('k', 'v')")
    assert 0.25 < time.monotonic() - t0 < 3
    assert store.value("SELECT value FROM settings WHERE key = 'k'") == "v"
    other.close()
    store.close()


def test_a_write_that_never_gets_the_lock_fails_clearly_and_writes_nothing(db_path):
    store = open_store(db_path)
    store.patience_s = 0.3
    other = locked(db_path)
    t0 = time.monotonic()
    with pytest.raises(PhrasebookError) as caught, store.write() as conn:
        conn.execute("INSERT INTO settings VALUES ('k', 'v')")
    assert 0.25 < time.monotonic() - t0 < 2
    assert caught.value.key == "reliability.busy" and "reliability" not in caught.value.message()
    assert not store.conn.in_transaction
    other.execute("ROLLBACK")
    assert store.value("SELECT count(*) FROM settings WHERE key = 'k'") == 0
    with store.write() as conn:  # the connection is fine afterwards
        conn.execute("INSERT INTO settings VALUES ('k', 'v')")
    other.close()
    store.close()


def test_busy_message_in_both_languages():
    from phrasebook import i18n

    for lang in ("zh-CN", "en"):
        i18n.set_language(lang)
        assert "15" in t("reliability.busy", seconds=15)


def test_many_threads_writing_at_once_all_get_through(db_path):
    """Sixteen connections inserting flat out: no error, every row there once."""
    open_store(db_path).close()
    errors, per_thread = [], 40

    def writer(n: int) -> None:
        store = open_store(db_path)
        try:
            for i in range(per_thread):
                with store.write() as conn:
                    conn.execute("INSERT INTO settings VALUES (?, 'v')", (f"{n}-{i}",))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    store = open_store(db_path)
    assert errors == [] and store.value("SELECT count(*) FROM settings") == 16 * per_thread
    store.close()


# -- start-up and migrations ---------------------------------------------------------------------------------
def test_a_migration_another_process_just_applied_is_skipped(db_path, monkeypatch):
    """Two processes start together on an old database: both read the old version, one migrates; the other
    must not apply the same step again (duplicate column)."""
    from phrasebook.store import migrations

    store = open_store(db_path)
    monkeypatch.setattr(migrations, "schema_version", lambda _store: 0)
    assert migrate(store) == 0
    assert store.value("PRAGMA user_version") == LATEST
    store.close()


def test_old_reviews_keep_no_key_after_the_upgrade(db_path):
    from tests.test_migrations import build_v1

    build_v1(db_path)
    store = open_store(db_path)
    assert store.value("SELECT count(*) FROM reviews") == 6
    assert store.value("SELECT count(*) FROM reviews WHERE answer_key IS NOT NULL") == 0
    assert store.value("SELECT count(*) FROM pragma_index_list('reviews') WHERE name = 'reviews_answer_key'") == 1
    store.close()


# -- doctor --------------------------------------------------------------------------------------------------
def test_doctor_reports_keys_logged_twice_and_reviews_of_missing_cards(mini_store, clock, run):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    s.answer(s.next(), GOOD)
    row = review_rows(mini_store)[0]
    assert check(mini_store).ok
    conn = mini_store.conn
    conn.execute("DROP INDEX reviews_answer_key")  # a damaged copy: the index that forbids it is gone
    conn.execute("PRAGMA foreign_keys = OFF")
    insert = """INSERT INTO reviews (card_id, person_id, rating, reviewed_at, mode, state_before, answer_key)
                VALUES (?, ?, 3, ?, 'extra:self', 2, ?)"""  # extra practice: no replay is thrown off
    conn.execute(insert, (row["card_id"], person.id, "2026-11-23T01:00:00.000000+00:00", row["answer_key"]))
    conn.execute(insert, (99999, person.id, "2026-11-23T01:00:01.000000+00:00", None))
    conn.execute("PRAGMA foreign_keys = ON")
    report = check(mini_store)
    assert report.duplicate_keys == 1 and report.orphan_reviews == 1 and not report.ok
    result = run("doctor")
    assert result.exit_code == 1
    assert t("reliability.doctor_keys", count=1) in result.output
    assert t("reliability.doctor_orphans", count=1) in result.output


# -- checkpoints ---------------------------------------------------------------------------------------------
def test_the_checkpointer_keeps_checkpoints_off_the_answer_path(mini_store, clock, tmp_path):
    """Answers no longer checkpoint (wal_autocheckpoint 0); the background thread copies them into the database
    file soon after (a copy of the file alone, without its WAL, shows them), and stops with the store."""
    mini_store.start_checkpointer(every_s=0.05)
    assert mini_store.value("PRAGMA wal_autocheckpoint") == 0
    person = create_person(mini_store, name="王芳", staff_no="C1")
    s = DrillSession(mini_store, person, clock=clock)
    for _ in range(5):
        s.answer(s.next(), GOOD)
    deadline, in_file = time.monotonic() + 5, 0
    while in_file < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
        shutil.copy(mini_store.path, tmp_path / "file-only.db")
        probe = sqlite3.connect(tmp_path / "file-only.db")
        with contextlib.suppress(sqlite3.OperationalError):  # not even the schema copied back yet
            in_file = probe.execute("SELECT count(*) FROM reviews").fetchone()[0]
        probe.close()
    assert in_file == 5
    thread = mini_store._checkpointer
    mini_store.close()
    assert not thread.is_alive()


def test_replace_keeps_a_prompts_key(mini_store, clock):
    person = create_person(mini_store, name="王芳", staff_no="C1")
    prompt = DrillSession(mini_store, person, clock=clock).next()
    assert replace(prompt, note="x").key == prompt.key
