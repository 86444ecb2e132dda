"""Pinyin with tone marks for Chinese lines: pypinyin corrected by the project's glossary (decks/_pinyin.toml).

Computed at import time and stored, so pypinyin (slow to load) never sits on the TUI start-up path.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from phrasebook.paths import decks_dir

# Chinese punctuation becomes its Western form in pinyin text.
PUNCT = str.maketrans({
    "，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "；": ";", "、": ",",
    "（": "(", "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "《": "«", "》": "»", "—": "-", "…": "...",
})
OPENERS = set("(«\"'")


def load_glossary(path: Path | None = None) -> dict[str, str]:
    """Words pypinyin reads wrongly in our domain → the right syllables, space separated."""
    path = path or decks_dir() / "_pinyin.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return dict(tomllib.load(fh).get("words", {}))


@cache
def _converter():
    from pypinyin import Style, lazy_pinyin, load_phrases_dict

    glossary = load_glossary()
    load_phrases_dict({word: [[s] for s in syl.split()] for word, syl in glossary.items()})
    return lambda text: lazy_pinyin(text, style=Style.TONE, errors="default")


def to_pinyin(text: str) -> str:
    """'请拨打12345热线。' → 'qǐng bō dǎ 12345 rè xiàn.' (syllables spaced, punctuation attached)."""
    out = ""
    for chunk in _converter()(text):
        piece = chunk.translate(PUNCT).strip()
        if not piece:
            continue
        if out and not out.endswith(tuple(OPENERS)) and piece[0] not in ",.?!:;)»":
            out += " "
        out += piece
    return out
