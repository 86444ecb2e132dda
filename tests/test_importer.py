"""Deck import: all-or-nothing, idempotent, progress stays attached to phrase ids, removed phrases retire."""

from __future__ import annotations

import pytest

from phrasebook.decks import DeckError
from phrasebook.importer import folder_changed, sync_folder
from phrasebook.people import create_person
from phrasebook.scheduler import GOOD
from phrasebook.session import DrillSession


def dump(store) -> dict:
    """Every row of every table: to prove a failed import changed nothing."""
    tables = [r["name"] for r in store.rows("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {t: [tuple(r) for r in store.rows(f"SELECT * FROM {t}")] for t in tables}


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_import_is_idempotent(mini_store, mini_decks):
    before = dump(mini_store)
    result = sync_folder(mini_store, mini_decks)
    assert result.imported == [] and result.unchanged == ["mini"]
    assert not folder_changed(mini_store, mini_decks)
    assert dump(mini_store) == before


def test_pinyin_and_romaji_are_derived_and_stored(mini_store):
    row = mini_store.row("SELECT pinyin FROM phrases WHERE phrase_id = 'mini-002'")
    assert row["pinyin"] == "qǐng chū shì nín de hù zhào."
    ja = mini_store.value("SELECT romanization FROM translations t JOIN phrases p ON p.pk = t.phrase_pk "
                          "WHERE p.phrase_id = 'mini-002' AND t.lang = 'ja'")
    assert ja.lower().startswith("pasupooto wo")


def test_broken_deck_leaves_database_unchanged(mini_store, mini_decks):
    before = dump(mini_store)
    edit(mini_decks / "mini.toml", 'en = "Here is my passport."', 'en = ""')
    (mini_decks / "other.toml").write_text((mini_decks / "mini.toml").read_text().replace('id = "mini"', 'id = "o"'))
    with pytest.raises(DeckError) as err:
        sync_folder(mini_store, mini_decks)
    assert {p.phrase for p in err.value.problems} == {"mini-003"}
    assert dump(mini_store) == before


def test_edit_keeps_progress_and_removal_retires(mini_store, mini_decks, clock):
    person = create_person(mini_store, name="李娜", staff_no="B7")
    session = DrillSession(mini_store, person, clock=clock)
    first = session.next()
    assert first.phrase_id == "mini-001"
    session.answer(first, GOOD)
    card_before = tuple(mini_store.row("SELECT * FROM cards WHERE id = ?", (first.card_id,)))

    # Reword the phrase and drop another one.
    edit(mini_decks / "mini.toml", 'en = "Hello, how can I help you?"', 'en = "Hello! How can I help you today?"')
    text = (mini_decks / "mini.toml").read_text(encoding="utf-8")
    start = text.index('[[phrases]]\nid = "mini-006"')
    (mini_decks / "mini.toml").write_text(text[:start], encoding="utf-8")
    result = sync_folder(mini_store, mini_decks)
    assert result.imported == ["mini"]

    assert tuple(mini_store.row("SELECT * FROM cards WHERE id = ?", (first.card_id,))) == card_before
    text_now = mini_store.value("SELECT text FROM translations t JOIN cards c ON c.phrase_pk = t.phrase_pk "
                                "AND c.lang = t.lang WHERE c.id = ?", (first.card_id,))
    assert text_now == "Hello! How can I help you today?"
    retired = mini_store.row("SELECT retired, pk FROM phrases WHERE phrase_id = 'mini-006'")
    assert retired["retired"] == 1  # kept, not deleted
    assert mini_store.value("SELECT count(*) FROM cards WHERE phrase_pk = ? AND active = 1", (retired["pk"],)) == 0
    assert mini_store.value("SELECT count(*) FROM reviews") == 1

    # Putting it back revives the same phrase row.
    (mini_decks / "mini.toml").write_text(text, encoding="utf-8")
    sync_folder(mini_store, mini_decks)
    assert mini_store.row("SELECT retired, pk FROM phrases WHERE phrase_id = 'mini-006'")["pk"] == retired["pk"]
    assert mini_store.value("SELECT count(*) FROM cards WHERE phrase_pk = ? AND active = 1", (retired["pk"],)) == 1


def test_deleted_deck_file_retires_the_deck(mini_store, mini_decks):
    (mini_decks / "mini.toml").unlink()
    result = sync_folder(mini_store, mini_decks)
    assert result.retired == ["mini"]
    assert mini_store.value("SELECT retired FROM decks WHERE id = 'mini'") == 1


def test_derivation_change_reimports(mini_store, mini_decks, monkeypatch):
    """A new pinyin glossary or romanisation code re-derives every phrase, though no deck file changed."""
    import phrasebook.importer as importer

    assert not folder_changed(mini_store, mini_decks)
    monkeypatch.setattr(importer, "DERIVATION_VERSION", "test-next")
    assert folder_changed(mini_store, mini_decks)
    assert sync_folder(mini_store, mini_decks).imported == ["mini"]
    assert not folder_changed(mini_store, mini_decks)


def test_a_bad_deck_at_start_is_reported_and_the_others_still_load(mini_store, mini_decks):
    """Start-up (sync_if_changed): a deck whose version is past SQLite's integers used to stop every command and
    the app for everyone (OverflowError); now it is left out and reported, its stored version is kept as it was,
    and the other decks' changes load, each deck all or nothing."""
    from phrasebook.importer import sync_if_changed

    mini = mini_decks / "mini.toml"
    other = mini.read_text(encoding="utf-8").replace('id = "mini"', 'id = "other"', 1)
    (mini_decks / "other.toml").write_text(other, encoding="utf-8")
    edit(mini, "version = 1", f"version = {2**63}")
    stored_mini = [tuple(r) for r in mini_store.rows("SELECT * FROM phrases p JOIN decks d ON d.id = p.deck_id "
                                                     "WHERE d.id = 'mini' ORDER BY p.phrase_id")]
    result = sync_if_changed(mini_store, mini_decks)
    assert result.imported == ["other"]
    assert [(p.file, p.key, p.field) for p in result.skipped] == [(str(mini), "deck.err.bad_version", "version")]
    assert mini_store.value("SELECT retired FROM decks WHERE id = 'mini'") == 0
    assert [tuple(r) for r in mini_store.rows("SELECT * FROM phrases p JOIN decks d ON d.id = p.deck_id "
                                              "WHERE d.id = 'mini' ORDER BY p.phrase_id")] == stored_mini
    again = sync_if_changed(mini_store, mini_decks)  # reported at every start until the file is fixed
    assert again.imported == [] and [p.key for p in again.skipped] == ["deck.err.bad_version"]
    with pytest.raises(DeckError):  # `deck import` of the folder stays all-or-nothing
        sync_folder(mini_store, mini_decks)
