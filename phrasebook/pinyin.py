"""Pinyin with tone marks for Chinese lines: pypinyin corrected by the project's glossary (decks/_pinyin.toml).

Computed at import time and stored, so pypinyin (slow to load) never sits on the TUI start-up path.
Convention: original tones for 一 and 不 (yī, bù), neutral tones as 现代汉语词典 writes them.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
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


def load_glossary(path: Path | None = None, table: str = "words") -> dict[str, str]:
    """Words pypinyin reads wrongly in our domain (or, table "surnames", characters read otherwise as a
    surname) → the right syllables, space separated."""
    path = path or decks_dir() / "_pinyin.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return dict(tomllib.load(fh).get(table, {}))


@cache
def _loaded() -> None:
    """Teach pypinyin the glossary once per process (pypinyin itself costs ~0.2 s to import: never at start-up)."""
    from pypinyin import load_phrases_dict
    from pypinyin.seg.mmseg import retrain, seg

    glossary = load_glossary()
    load_phrases_dict({word: [[s] for s in syl.split()] for word, syl in glossary.items()})
    retrain(seg)  # let the word segmenter know the glossary words, so 银行还款 splits as 银行|还款


@cache
def _converter():
    from pypinyin import Style, lazy_pinyin

    _loaded()
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


# -- sorting people by name -------------------------------------------------------------------------------------
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
SYLLABLE_RE = re.compile(r"([a-z]+)([1-5])")


@cache
def _surnames() -> dict[str, list[str]]:
    """Surname → its syllables as letters + tone digit ('曾' → ['zeng1']), longest surnames first."""
    from pypinyin.contrib.tone_convert import to_tone3

    table = load_glossary(table="surnames")
    return {k: [to_tone3(s, neutral_tone_with_five=True) for s in v.split()]
            for k, v in sorted(table.items(), key=lambda kv: -len(kv[0]))}


def _han_syllables(run: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    _loaded()
    return lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True, errors=list)


def _syllable_key(syllable: str) -> str:
    """'lv3' → 'lu13': letters with ü as u (lu, lü, luan, lüe as the dictionary orders them), then a ü flag
    and the tone, so 李 li3 comes before 刘 liu2 and 黎 li2 before 李 li3."""
    m = SYLLABLE_RE.fullmatch(syllable)
    if m is None:  # a character pypinyin has no reading for: itself
        return syllable
    letters, tone = m.groups()
    return f"{letters.replace('v', 'u')}{int('v' in letters)}{tone}"


def _latin_words(run: str) -> list[str]:
    """Words of a non-Chinese run by their letters: accents and case set aside ('Émile' → 'emile')."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", run) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", bare).casefold())


def name_key(name: str) -> str:
    """The order a Chinese reader expects for a person's name: by pinyin, character by character, the first
    character (or a two-character surname of the glossary) read as a surname (曾 zēng, 单 shàn); Latin names
    by their letters among them. Stored with the person: the store sorts by it without loading pypinyin."""
    name = unicodedata.normalize("NFKC", name).strip()
    tokens: list[str] = []
    pos = 0
    for m in HAN_RE.finditer(name):
        tokens += _latin_words(name[pos:m.start()])
        syllables = _han_syllables(m.group())
        if m.start() == 0:
            surname = next((s for s in _surnames() if m.group().startswith(s)), "")
            syllables[:len(surname)] = _surnames().get(surname, [])
        tokens += [_syllable_key(s) for s in syllables]
        pos = m.end()
    tokens += _latin_words(name[pos:])
    return " ".join(tokens)
