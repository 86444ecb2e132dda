"""Bugs the property-based tests (tests/fuzz/) found, each kept as an ordinary test of its failing example."""

from __future__ import annotations

import pytest

from phrasebook.decks import DeckError, load_decks


def test_deck_with_an_empty_key_names_that_field(mini_decks):
    """`"" = 0` in a phrase: the message said "field" with nothing after it."""
    path = mini_decks / "mini.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('id = "mini-001"', 'id = "mini-001"\n"" = 0', 1), encoding="utf-8")
    with pytest.raises(DeckError) as err:
        load_decks(mini_decks)
    assert 'mini.toml 句子 mini-001 字段 ""' in err.value.message()

