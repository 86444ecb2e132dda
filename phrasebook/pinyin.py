"""Pinyin with tone marks for Chinese lines: pypinyin corrected by the project's glossary (decks/_pinyin.toml).

Computed at import time and stored, so pypinyin (slow to load) never sits on the TUI start-up path.
Convention: original tones for 一 and 不 (yī, bù), neutral tones as 现代汉语词典 writes them.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from phrasebook.paths import decks_dir

# Chinese punctuation in its Western form; quotes stay curly so opening and closing ones differ.
PUNCT = {"，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "；": ";", "、": ",", "（": "(", "）": ")",
         "《": "«", "》": "»", "——": "—", "…": "...", "～": "~"}
OPENERS = ("(", "«", "“", "‘")
CLOSERS = (",", ".", "?", "!", ":", ";", ")", "»", "”", "’", "...", "~")
_MARKS = "，。？！：；、（）《》“”‘’,.?!:;()\"'～~"
PIECE_RE = re.compile(rf"——|…|[{_MARKS}]|[^\s{_MARKS}…]+")  # one punctuation mark, or a run of anything else


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
    from pypinyin.seg.mmseg import retrain, seg

    glossary = load_glossary()
    load_phrases_dict({word: [[s] for s in syl.split()] for word, syl in glossary.items()})
    retrain(seg)  # let the word segmenter know the glossary words, so 银行还款 splits as 银行|还款
    return lambda text: lazy_pinyin(text, style=Style.TONE, errors="default")


def to_pinyin(text: str) -> str:
    """'请拨打12345热线。' → 'qǐng bō dǎ 12345 rè xiàn.' (syllables spaced, punctuation attached)."""
    out = ""
    for chunk in _converter()(text):
        for piece in PIECE_RE.findall(chunk):
            piece = PUNCT.get(piece, piece)
            if out and not out.endswith(OPENERS) and not piece.startswith(CLOSERS):
                out += " "
            out += piece
    return out
