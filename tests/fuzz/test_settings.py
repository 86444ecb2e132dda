"""Settings as stored: a person's study settings (JSON in people.settings) and the app's UI language. Whatever
the stored value — hand-edited, from another version, damaged — reading it gives usable settings and the person
can still log in and drill; it never raises."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phrasebook import auth, i18n, paths
from phrasebook.decks import LANGUAGES
from phrasebook.importer import sync_folder
from phrasebook.people import StudySettings, create_person
from phrasebook.session import DrillSession
from phrasebook.store import open_store

from . import fuzz

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
    | st.sampled_from(["en", "ja", "ko", "ru", "zh"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)
settings_dicts = st.fixed_dictionaries({}, optional={
    "languages": json_values, "new_per_day": json_values, "reviews_per_day": json_values, "autoplay": json_values})
stored = st.one_of(settings_dicts.map(lambda d: json.dumps(d, allow_nan=True)),
                   json_values.map(lambda v: json.dumps(v, allow_nan=True)), st.text(max_size=20))


@pytest.fixture(scope="module")
def mini_template(tmp_path_factory) -> Path:
    """A database with the mini deck and one trainee (module-scoped: hypothesis runs many examples per test)."""
    folder = tmp_path_factory.mktemp("settings")
    decks = folder / "decks"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "decks", decks)
    for shared in paths.decks_dir().glob("_*.toml"):
        shutil.copy(shared, decks)
    store = open_store(folder / "p.db")
    sync_folder(store, decks)
    create_person(store, name="王芳", staff_no="C1", secret="2468", now=NOW)
    store.close()
    return folder / "p.db"


def assert_usable(s: StudySettings) -> None:
    assert s.languages and all(lang in LANGUAGES for lang in s.languages)
    assert len(set(s.languages)) == len(s.languages)
    assert isinstance(s.new_per_day, int) and 0 <= s.new_per_day <= 1000
    assert isinstance(s.reviews_per_day, int) and 0 <= s.reviews_per_day <= 10_000
    assert isinstance(s.autoplay, bool)
    assert StudySettings.from_json(json.dumps(s.to_dict())) == s  # what we write we read back the same


@fuzz(150)
@given(stored)
def test_any_stored_settings_read_as_usable_settings(text):
    assert_usable(StudySettings.from_json(text))


@fuzz(15)
@given(stored)
def test_a_person_with_odd_settings_logs_in_and_drills(mini_template, text):
    store = open_store(mini_template)
    try:
        with store.write() as conn:  # as a hand edit or another program would leave it
            conn.execute("UPDATE people SET settings = ? WHERE staff_no = 'C1'", (text,))
        person = auth.login(store, "C1", "2468", now=NOW)
        assert_usable(person.settings)
        session = DrillSession(store, person, clock=lambda: NOW)
        session.next()  # 0 new cards a day is a valid setting: nothing to show is fine, raising is not
        session.finish()
    finally:
        store.close()


@fuzz(60)
@given(st.one_of(st.none(), st.text(max_size=12)))
def test_any_stored_ui_language_falls_back_to_a_catalogue_language(text):
    try:
        assert i18n.set_language(text) in i18n.LANGUAGES
    finally:
        i18n.set_language("zh-CN")
