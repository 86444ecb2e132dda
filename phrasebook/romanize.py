"""Pronunciation aids for the foreign text: romaji for Japanese, Revised Romanization for Korean.

Japanese goes through cutlet (MeCab/unidic-lite: real word boundaries and particle readings wa/e/o);
its few wrong readings in our domain are corrected by decks/_romaji.toml. Russian carries stress marks in
the deck text itself; English needs none. Computed at deck import and stored, never at TUI start-up.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache

from phrasebook.paths import decks_dir


@cache
def _cutlet():
    import cutlet

    return cutlet.Cutlet(use_foreign_spelling=False)


@cache
def romaji_table(name: str) -> dict[str, str]:
    """One table of decks/_romaji.toml: `fixes` (wrong romaji word → right one, e.g. gaikokunin → gaikokujin),
    `readings` (word → hiragana, for the offline voice) or `hangul` (Korean word → as said, before romanising)."""
    path = decks_dir() / "_romaji.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return dict(tomllib.load(fh).get(name, {}))


def romaji_fixes() -> dict[str, str]:
    return romaji_table("fixes")


def japanese(text: str) -> str:
    out = _cutlet().romaji(text)
    for wrong, right in romaji_fixes().items():
        out = re.sub(rf"\b{re.escape(wrong)}\b", right, out)
        out = re.sub(rf"\b{re.escape(wrong.capitalize())}\b", right.capitalize(), out)
    return out


# Nasal assimilation, which korean-romanizer leaves out: a final k/t/p before an initial n/m is said ng/n/m
# (합니다 hamnida, 업무 eommu, 학년 hangnyeon). In its output those letter pairs arise only that way.
NASALISE = (("k", "ng"), ("t", "n"), ("p", "m"))


# Sound changes across a syllable boundary that korean-romanizer leaves out, applied to the Hangul before it
# runs (indices into Unicode's composed syllables: initial·21·28 + medial·28 + final). A final ㄱ/ㄷ/ㅂ/ㅈ
# before the ㅎ of a verb ending (하다, the passive 히/혀) merges into an aspirate (부족한 bujokan, 예약해
# yeyakae, 맞히다 machida, 적혀 jeokyeo); before a noun's ㅎ Revised Romanization keeps the h (입학 iphak,
# 취업허가증 chwieopheogajeung), and the deck's nouns are where that matters. A final ㅎ before ㅅ is silent
# (괜찮습니다 gwaenchanseumnida: Revised Romanization does not write the tensing); a final ㄷ/ㅌ before 이, or
# ㄷ before 히, palatalises (굳이 guji, 같이 gachi, 닫히다 dachida).
_ASPIRATE = {1: (0, 15), 7: (0, 16), 17: (0, 17), 22: (0, 14), 19: (0, 16), 20: (0, 16),  # final → (kept,
             9: (8, 15), 5: (4, 14)}  # initial): ㄱ→ㅋ, ㄷ/ㅅ/ㅆ→ㅌ (못해요 motaeyo), ㅂ→ㅍ, ㅈ→ㅊ, ㄺ, ㄵ
_SILENT_H = {27: 0, 6: 4, 15: 8}  # final ㅎ, ㄶ, ㅀ → what is left of it
_PALATAL = {7: 12, 25: 14}  # final ㄷ, ㅌ before 이 → initial ㅈ, ㅊ
_VERB_H = set("하한할함합해했히힌힐혀혔")
_S, _NULL, _CH, _I = 9, 11, 14, 20


def _split(ch: str) -> list[int] | None:
    code = ord(ch) - 0xAC00
    return [code // 588, code % 588 // 28, code % 28] if 0 <= code < 11172 else None


def _join(parts: list[int]) -> str:
    return chr(0xAC00 + parts[0] * 588 + parts[1] * 28 + parts[2])


def _hangul_sounds(text: str) -> str:
    for written, said in romaji_table("hangul").items():
        text = text.replace(written, said)
    chars = list(text)
    for i in range(len(chars) - 1):
        this, nxt = _split(chars[i]), _split(chars[i + 1])
        if this is None or nxt is None:
            continue
        final = this[2]
        if chars[i + 1] in _VERB_H and final in _ASPIRATE:
            this[2], nxt[0] = _ASPIRATE[final]
            if final == 7 and nxt[1] == _I:
                nxt[0] = _CH
        elif nxt[0] == _S and final in _SILENT_H:
            this[2] = _SILENT_H[final]
        elif nxt[0] == _NULL and nxt[1] == _I and final in _PALATAL:
            this[2], nxt[0] = 0, _PALATAL[final]
        chars[i], chars[i + 1] = _join(this), _join(nxt)
    return "".join(chars)


def korean(text: str) -> str:
    from korean_romanizer.romanizer import Romanizer

    out = Romanizer(_hangul_sounds(text)).romanize()
    # An initial ㄹ after a final consonant (its "r" follows a consonant only then): after ㄹ or ㄴ both are said
    # l-l (알려 allyeo, 신라 silla, and 설날 seollal for ㄹ+ㄴ); after any other it is said n (심리 simni,
    # 경력 gyeongnyeok, 학력 hangnyeok, 협력 hyeomnyeok: the stop before it then nasalises below).
    out = re.sub(r"[ln]r|ln", "ll", out)
    out = re.sub(r"(?<=[mgkpt])r", "n", out)  # 핫라인 hannain: the t then nasalises to n below
    for stop, nasal in NASALISE:
        out = re.sub(rf"{stop}(?=[nm])", nasal, out)
    return out


def romanize(lang: str, text: str) -> str | None:
    """The aid shown under the foreign phrase, or None where the script is already Latin/Cyrillic."""
    if lang == "ja":
        return japanese(text)
    if lang == "ko":
        return korean(text)
    return None
