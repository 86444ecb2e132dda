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
    """One table of decks/_romaji.toml: `fixes` (wrong romaji word → right one, e.g. gaikokunin → gaikokujin)
    or `readings` (word → hiragana, for the offline voice)."""
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


def korean(text: str) -> str:
    from korean_romanizer.romanizer import Romanizer

    out = Romanizer(text).romanize()
    # An initial ㄹ after a final consonant (its "r" follows a consonant only then): after ㄹ or ㄴ both are said
    # l-l (알려 allyeo, 신라 silla, and 설날 seollal for ㄹ+ㄴ); after any other it is said n (심리 simni,
    # 경력 gyeongnyeok, 학력 hangnyeok, 협력 hyeomnyeok: the stop before it then nasalises below).
    out = re.sub(r"[ln]r|ln", "ll", out)
    out = re.sub(r"(?<=[mgkp])r", "n", out)
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
