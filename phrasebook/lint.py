"""Content lint over valid decks: what the validator cannot see because it needs the whole collection.

Errors (exit non-zero): a required language missing, the same Chinese line twice, an over-long line, an official
term used in Chinese but not rendered per the glossary, a placeholder or untranslated Chinese left in a
translation. Warnings: Russian words of two or more syllables without a stress mark.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from phrasebook.decks import Deck, Problem

REQUIRED_LANGUAGES = ("en", "ja", "ko")
MAX_ZH = 40
MAX_FOREIGN = 150
STRESS = "\u0301"
PLACEHOLDER_RE = re.compile(r"\{[^}]*\}|\bTODO\b|\bXXX?\b|某某|\?\?\?|＿|_{2,}")
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
RU_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
RU_WORD_RE = re.compile(r"[А-Яа-яЁё\u0301-]+")


@dataclass(frozen=True)
class Term:
    id: str
    zh: tuple[str, ...]  # the term and its Chinese aliases
    renderings: dict[str, tuple[str, ...]]  # lang → accepted forms (main rendering first)


@dataclass
class LintReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def fold(text: str) -> str:
    """Compare forms without case, stress marks or width differences."""
    return unicodedata.normalize("NFKC", text).replace(STRESS, "").casefold()


def load_glossary(path: Path) -> list[Term]:
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    terms = []
    for item in data.get("terms", []):
        variants = item.get("variants", {})
        renderings = {lang: (item[lang], *variants.get(lang, ())) for lang in ("en", "ja", "ko", "ru") if lang in item}
        terms.append(Term(item["id"], (item["zh"], *item.get("aliases_zh", ())), renderings))
    return terms


def russian_unstressed(text: str) -> list[str]:
    """Words with two or more vowels and no stress mark (ё counts as stressed)."""
    out = []
    for word in RU_WORD_RE.findall(text):
        for part in word.split("-"):
            vowels = sum(ch in RU_VOWELS for ch in part)
            if vowels >= 2 and STRESS not in part and "ё" not in part.lower():
                out.append(part)
    return out


def _zh_key(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def lint(decks: list[Deck], glossary: list[Term]) -> LintReport:
    report = LintReport()
    seen_zh: dict[str, str] = {}
    for deck in decks:
        name = str(deck.path)
        for lang in REQUIRED_LANGUAGES:
            if lang not in deck.languages:
                report.errors.append(Problem(name, "lint.missing_language", {"lang": lang}, field="languages"))
        for p in deck.phrases:
            def err(key: str, fld: str, **params: object) -> None:
                report.errors.append(Problem(name, key, params, phrase=p.id, field=fld))  # noqa: B023

            key = _zh_key(p.zh)
            if key in seen_zh:
                err("lint.duplicate_zh", "zh", other=seen_zh[key])
            seen_zh.setdefault(key, f"{deck.id}/{p.id}")
            if len(p.zh) > MAX_ZH:
                err("lint.too_long", "zh", length=len(p.zh), limit=MAX_ZH)
            for lang, text in p.translations.items():
                fld = f"translations.{lang}"
                if len(text) > MAX_FOREIGN:
                    err("lint.too_long", fld, length=len(text), limit=MAX_FOREIGN)
                if PLACEHOLDER_RE.search(text) or PLACEHOLDER_RE.search(p.zh):
                    err("lint.placeholder", fld)
                if lang != "ja" and HAN_RE.search(text):
                    err("lint.untranslated", fld)
                if lang == "ru" and (words := russian_unstressed(text)):
                    report.warnings.append(Problem(name, "lint.no_stress", {"words": ", ".join(words)},
                                                   phrase=p.id, field=fld))
            for term in glossary:
                if not any(z in p.zh for z in term.zh):
                    continue
                for lang, text in p.translations.items():
                    forms = term.renderings.get(lang)
                    if forms and not any(fold(f) in fold(text) for f in forms):
                        err("lint.glossary", f"translations.{lang}", term=term.zh[0], expected=forms[0])
    return report
