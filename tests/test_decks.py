"""The deck validator: every kind of problem is reported, named by file, phrase and field, all at once."""

from __future__ import annotations

import pytest

from phrasebook import i18n, paths
from phrasebook.decks import DeckError, load_deck, load_decks, load_scenarios

SCENARIOS = load_scenarios(paths.decks_dir())

GOOD = """
id = "t"
version = 1
languages = ["en", "ja"]
[title]
zh = "测试"
en = "Test"
[[phrases]]
id = "t-1"
scenario = "greeting"
speaker = "clerk"
zh = "您好。"
[phrases.translations]
en = "Hello."
ja = "こんにちは。"
"""


def problems(tmp_path, text: str) -> list:
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckError) as err:
        load_deck(path, SCENARIOS)
    return err.value.problems


def test_good_deck_loads(tmp_path):
    path = tmp_path / "deck.toml"
    path.write_text(GOOD, encoding="utf-8")
    deck = load_deck(path, SCENARIOS)
    assert deck.id == "t" and deck.languages == ("en", "ja")
    assert deck.phrases[0].translations == {"en": "Hello.", "ja": "こんにちは。"}


def test_bad_toml_names_the_line(tmp_path):
    found = problems(tmp_path, GOOD.replace('zh = "您好。"', 'zh = "您好。'))
    assert len(found) == 1
    assert found[0].key == "deck.err.toml" and found[0].line == 12
    assert "deck.toml:12" in found[0].message()


def test_duplicate_phrase_ids(tmp_path):
    dup = GOOD + GOOD[GOOD.index("[[phrases]]"):]
    found = problems(tmp_path, dup)
    assert [(p.key, p.phrase, p.field) for p in found] == [("deck.err.duplicate_id", "t-1", "id")]


def test_missing_required_fields_and_translation(tmp_path):
    text = GOOD.replace('scenario = "greeting"\n', "").replace('ja = "こんにちは。"\n', "")
    found = {(p.key, p.field) for p in problems(tmp_path, text)}
    assert ("deck.err.unknown_scenario", "scenario") in found
    assert ("deck.err.missing_translation", "translations.ja") in found


def test_unknown_language_codes(tmp_path):
    text = GOOD.replace('languages = ["en", "ja"]', 'languages = ["en", "ja", "xx"]').replace(
        'ja = "こんにちは。"', 'ja = "こんにちは。"\nfr = "Bonjour."')
    found = {(p.key, p.field) for p in problems(tmp_path, text)}
    assert ("deck.err.unknown_language", "languages") in found
    assert ("deck.err.unknown_language", "translations.fr") in found


def test_empty_text_and_wrong_types(tmp_path):
    text = GOOD.replace('zh = "您好。"', 'zh = "  "').replace('version = 1', 'version = "one"').replace(
        'speaker = "clerk"', 'speaker = 3')
    found = {(p.key, p.field) for p in problems(tmp_path, text)}
    assert found >= {("deck.err.empty", "zh"), ("deck.err.bad_version", "version"),
                     ("deck.err.bad_speaker", "speaker")}


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD.replace('id = "t-1"', 'id = "T 1"').replace('en = "Hello."', 'en = ""').replace(
        '[title]', 'colour = "red"\n[title]')
    found = problems(tmp_path, text)
    assert len(found) == 3
    assert {p.key for p in found} == {"deck.err.bad_id", "deck.err.empty", "deck.err.unknown_field"}


def test_messages_follow_the_ui_language(tmp_path):
    found = problems(tmp_path, GOOD.replace('ja = "こんにちは。"\n', ""))
    assert "缺少 ja 译文" in found[0].message()
    i18n.set_language("en")
    assert "the ja translation is missing" in found[0].message()
    assert "phrase t-1" in found[0].message() and "field translations.ja" in found[0].message()


def test_not_utf8(tmp_path):
    path = tmp_path / "deck.toml"
    path.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(DeckError) as err:
        load_deck(path, SCENARIOS)
    assert err.value.problems[0].key == "deck.err.encoding"


def test_duplicate_deck_ids_across_files(tmp_path):
    (tmp_path / "_scenarios.toml").write_bytes((paths.decks_dir() / "_scenarios.toml").read_bytes())
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(DeckError) as err:
        load_decks(tmp_path)
    assert [p.key for p in err.value.problems] == ["deck.err.duplicate_deck"]


def test_bundled_decks_are_valid():
    decks = load_decks(paths.decks_dir())
    assert decks and all(d.phrases for d in decks)


@pytest.mark.parametrize("version", [str(2**63), str(-(2**63) - 1), "99999999999999999999999", "0"])
def test_version_outside_sqlite_integers_names_the_field(tmp_path, version):
    """2**63 passed validation, then import raised OverflowError (Python int too large for SQLite INTEGER)."""
    found = problems(tmp_path, GOOD.replace("version = 1", f"version = {version}"))
    assert [(p.key, p.field) for p in found] == [("deck.err.bad_version", "version")]
    assert "deck.toml 字段 version" in found[0].message() and "9223372036854775807" in found[0].message()


def test_largest_sqlite_integer_is_a_version(tmp_path):
    path = tmp_path / "deck.toml"
    path.write_text(GOOD.replace("version = 1", f"version = {2**63 - 1}"), encoding="utf-8")
    assert load_deck(path, SCENARIOS).version == 2**63 - 1


@pytest.mark.parametrize(("text", "key"), [
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "deck.err.too_deep"),  # RecursionError inside tomllib
    ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "deck.err.too_deep"),
    ("x = 1" + "0" * 5000 + "\n", "deck.err.huge_number"),  # ValueError: int past Python's 4300-digit conversion limit
])
def test_pathological_toml_is_a_deck_error(tmp_path, text, key):
    found = problems(tmp_path, GOOD + text)
    assert [p.key for p in found] == [key]
    assert found[0].message().startswith(str(tmp_path / "deck.toml"))


def test_deck_saved_with_a_bom_by_notepad_loads(tmp_path):
    """Windows Notepad saves UTF-8 with a BOM: the deck looked fine but was a cryptic TOML error at line 1."""
    path = tmp_path / "deck.toml"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert load_deck(path, SCENARIOS).phrases[0].translations["en"] == "Hello."


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le"])
def test_deck_in_another_encoding_names_the_file(tmp_path, encoding):
    path = tmp_path / "题库.toml"
    path.write_bytes(GOOD.replace("测试", "测试窗口").encode(encoding))
    with pytest.raises(DeckError) as err:
        load_deck(path, SCENARIOS)
    assert [p.key for p in err.value.problems] == ["deck.err.encoding"]
    assert err.value.message().startswith(f"{path}: ") and "UTF-8" in err.value.message()


@pytest.mark.parametrize(("data", "key"), [
    ((paths.decks_dir() / "_scenarios.toml").read_text(encoding="utf-8").encode("utf-8-sig"), None),
    ((paths.decks_dir() / "_scenarios.toml").read_text(encoding="utf-8").encode("gbk"), "deck.err.encoding"),
])
def test_scenarios_file_with_a_bom_loads_and_in_gbk_is_named(tmp_path, data, key):
    (tmp_path / "_scenarios.toml").write_bytes(data)
    if key is None:
        assert load_scenarios(tmp_path) == SCENARIOS
        return
    with pytest.raises(DeckError) as err:
        load_scenarios(tmp_path)
    assert [p.key for p in err.value.problems] == [key] and "_scenarios.toml" in err.value.message()
