"""Is one word typed in place of another a slip of spelling, or another word (wrong information at the counter)?

A slip is a misspelling of the expected word — a few letters off — that is not itself another word: not another
real word of the decks' vocabulary (fee for free, Вход for Выход), not the same word with another prefix
(non-acceptance, незаконное, excluded/included), not another day or month (Tuesday/Thursday, июня/июля), and
never a different short token or code (Area B/C, a.m./p.m., до/от), where one letter is the whole word. An ending that
differs (заявления/заявление, day/days) stays a slip of grammar. In Japanese (compared by character) another
kanji is another word (午前/午後, 入口/出口), a kana off is a slip. Words are compared in their normalised form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Set

from rapidfuzz.distance import OSA

SHORT = 2  # a word this long or shorter must be typed exactly: one letter off is another word (B/C, am/pm)
ARTICLES = {"en": frozenset({"a", "an", "the"})}  # one for another is a slip of grammar, like a missing one
# Prefixes that turn a word into another (its opposite, or the other direction): one for another, or one added
# or dropped, on the same stem. "" stands for no prefix.
PREFIXES = {
    "en": ("", "non", "un", "in", "im", "il", "ir", "dis", "ex", "over", "under", "pre", "post", "out", "de"),
    "ru": ("", "не", "без", "бес", "в", "вы", "во", "за", "от", "при", "у", "под", "над", "до", "пере"),
    "ko": ("", "불", "비", "미", "무"),
}
# Japanese negating prefixes: typed or dropped, the word says the opposite (不要, 非課税, 未成年, 無料).
JA_NEGATING = frozenset("不非未無")
# Closed classes whose members differ by a letter or two: another member is another fact. Matched by stem (| between
# alternatives), so Russian cases (вторник, вторника) are the same member.
FACT_CLASSES = {
    "en": (("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
           ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december")),
    "ru": (("понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресень"),
           ("январ", "феврал", "март", "апрел", "мая|май|мае", "июн", "июл", "август", "сентябр", "октябр",
            "ноябр", "декабр")),
    "ko": (("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"), ("오전", "오후")),
}


def is_slip(typed: str, expected: str, lang: str, vocabulary: Set[str]) -> bool:
    """`typed` and `expected` are normalised words (letters only, for ja/zh runs of characters)."""
    if any(ch.isdigit() for ch in typed + expected):
        return False  # a code (A025, B1): one character off is another window, another floor
    if lang in ("ja", "zh"):
        return _within_budget(typed, expected) and not any(_ideograph(ch) for ch in typed + expected)
    if min(len(typed), len(expected)) <= SHORT:
        return {typed, expected} <= ARTICLES.get(lang, frozenset())
    if _prefix_changed(typed, expected, lang, vocabulary) or _other_member(typed, expected, lang):
        return False
    if typed in vocabulary and not _inflection(typed, expected):
        return False
    return _within_budget(typed, expected)


def negating_change(typed: str, expected: str, lang: str) -> bool:
    """Characters typed or dropped that negate a Japanese word (不/非/未/無)."""
    return lang == "ja" and bool(set(typed + expected) & JA_NEGATING)


def _within_budget(a: str, b: str) -> bool:
    """One edit — a swap of two letters is one — per four letters, at least one."""
    return OSA.distance(a, b) <= max(1, max(len(a), len(b)) // 4)


def _ideograph(ch: str) -> bool:
    """A kanji carries a meaning of its own (午前/午後, 入口/出口): another one is another word."""
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def _prefix_changed(a: str, b: str, lang: str, vocabulary: Set[str]) -> bool:
    """The same stem, another prefix (excluded/included, законное/незаконное). Where the prefixes are one letter
    apart (вход/выход, ход/вход) a typo looks the same (взывали for вызывали), so only a real word counts."""
    prefixes = PREFIXES.get(lang, ())
    for p in prefixes:
        if not a.startswith(p) or len(a) - len(p) < 3:
            continue
        for q in prefixes:
            if q != p and b == q + a[len(p):]:
                return OSA.distance(p, q) > 1 or _real(a, vocabulary)
    return False


def _real(word: str, vocabulary: Set[str]) -> bool:
    """A word of the decks, or one of its forms (выхода for выход)."""
    return word in vocabulary or any(_inflection(word, v) and len(v) >= 4 and word.startswith(v[:-1])
                                     for v in vocabulary)


def _member(word: str, lang: str) -> tuple[int, int] | None:
    for c, members in enumerate(FACT_CLASSES.get(lang, ())):
        for m, stems in enumerate(members):
            if any(word.startswith(stem) and len(word) - len(stem) <= 3 for stem in stems.split("|")):
                return c, m
    return None


def _other_member(a: str, b: str, lang: str) -> bool:
    ma, mb = _member(a, lang), _member(b, lang)
    return ma is not None and mb is not None and ma != mb


def _inflection(a: str, b: str) -> bool:
    """The same stem with another ending: a slip of grammar (принята/принято, day/days), not another word."""
    stem = 0
    while stem < min(len(a), len(b)) and a[stem] == b[stem]:
        stem += 1
    return stem >= 2 and max(len(a), len(b)) - stem <= 3
