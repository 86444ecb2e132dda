"""Deck files: read the TOML, check every rule, and report all problems at once.

A deck is plain text a trainer edits; the database only ever sees a deck that passed `load_deck`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.paths import deck_files, file_digest

LANGUAGES = ("en", "ja", "ko", "ru")
SPEAKERS = ("clerk", "applicant")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
DECK_KEYS = {"id", "version", "languages", "title", "description", "phrases"}
MAX_INTEGER = 2**63 - 1  # SQLite's INTEGER: a larger version could not be stored
PHRASE_KEYS = {"id", "scenario", "speaker", "zh", "translations", "alternatives", "note", "pinyin"}


@dataclass(frozen=True)
class Phrase:
    id: str
    scenario: str
    speaker: str
    zh: str
    translations: dict[str, str]
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str | None = None
    pinyin: str | None = None


@dataclass(frozen=True)
class Deck:
    id: str
    version: int
    title_zh: str
    title_en: str
    languages: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    path: Path
    digest: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as we can (line, phrase id, field)."""

    file: str
    key: str
    params: dict[str, object] = field(default_factory=dict)
    phrase: str | None = None
    field: str | None = None
    line: int | None = None

    def message(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        if self.phrase:
            where += " " + t("deck.where_phrase", phrase=self.phrase)
        if self.field is not None:  # an empty key ("" = 1) is a field too: show it as ""
            where += " " + t("deck.where_field", field=self.field or '""')
        return f"{where}: {t(self.key, **self.params)}"


class DeckError(PhrasebookError):
    """All the problems found in one or more deck files."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("deck.invalid", count=len(problems))
        self.problems = problems

    def message(self) -> str:
        return "\n".join(p.message() for p in self.problems)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _toml_line(err: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"line (\d+)", str(err))
    return int(found.group(1)) if found else None


def parse_toml(data: bytes, name: str) -> dict:
    """A TOML file's table: UTF-8, with or without the BOM Windows Notepad writes; every failure a DeckError."""
    try:
        return tomllib.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError:
        raise DeckError([Problem(name, "deck.err.encoding")]) from None
    except tomllib.TOMLDecodeError as err:
        raise DeckError([Problem(name, "deck.err.toml", {"error": err}, line=_toml_line(err))]) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise DeckError([Problem(name, "deck.err.too_deep")]) from None
    except ValueError:  # an integer past Python's digit limit for int("…")
        raise DeckError([Problem(name, "deck.err.huge_number", {"digits": sys.get_int_max_str_digits()})]) from None


def load_scenarios(folder: Path) -> dict[str, dict[str, str]]:
    """The service stages from `_scenarios.toml`, in file (visit) order."""
    path = folder / "_scenarios.toml"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeckError([Problem(str(path), "deck.err.missing_file")]) from None
    return parse_toml(data, str(path))


def load_deck(path: Path, scenarios: dict[str, object]) -> Deck:
    """Parse and validate one deck; raise DeckError listing every problem found."""
    name = str(path)
    try:
        data_bytes = path.read_bytes()
    except OSError as err:
        raise DeckError([Problem(name, "deck.err.unreadable", {"error": err.strerror})]) from None
    raw = parse_toml(data_bytes, name)
    problems: list[Problem] = []
    deck = _check_deck(raw, name, scenarios, problems)
    if problems or deck is None:
        raise DeckError(problems)
    return Deck(**deck, path=path.resolve(), digest=file_digest(data_bytes))


def _check_deck(raw: dict, name: str, scenarios: dict[str, object], problems: list[Problem]) -> dict | None:
    def bad(key: str, fld: str | None = None, **params: object) -> None:
        problems.append(Problem(name, key, params, field=fld))

    for key in sorted(set(raw) - DECK_KEYS):
        bad("deck.err.unknown_field", key)
    deck_id = raw.get("id")
    if not isinstance(deck_id, str) or not ID_RE.match(deck_id):
        bad("deck.err.bad_id", "id")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_INTEGER:
        bad("deck.err.bad_version", "version", max=MAX_INTEGER)
    languages = raw.get("languages")
    if not isinstance(languages, list) or not languages:
        bad("deck.err.no_languages", "languages")
        languages = []
    for lang in languages:
        if lang not in LANGUAGES:
            bad("deck.err.unknown_language", "languages", lang=lang, known=", ".join(LANGUAGES))
    if len(set(map(str, languages))) != len(languages):
        bad("deck.err.duplicate_language", "languages")
    title = raw.get("title")
    if not isinstance(title, dict):
        bad("deck.err.missing", "title")
        title = {}
    for part in ("zh", "en"):
        if not _is_text(title.get(part)):
            bad("deck.err.empty", f"title.{part}")
    items = raw.get("phrases")
    if not isinstance(items, list) or not items:
        bad("deck.err.no_phrases", "phrases")
        items = []
    deck_langs = [lang for lang in languages if lang in LANGUAGES]
    phrases: list[Phrase] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        phrase = _check_phrase(item, index, name, deck_langs, scenarios, seen, problems)
        if phrase:
            phrases.append(phrase)
    if problems:
        return None
    return {
        "id": deck_id,
        "version": version,
        "title_zh": title["zh"].strip(),
        "title_en": title["en"].strip(),
        "languages": tuple(languages),
        "phrases": tuple(phrases),
    }


def _check_phrase(
    item: object,
    index: int,
    name: str,
    deck_langs: list[str],
    scenarios: dict[str, object],
    seen: set[str],
    problems: list[Problem],
) -> Phrase | None:
    if not isinstance(item, dict):
        problems.append(Problem(name, "deck.err.phrase_not_table", {"index": index}))
        return None
    pid = item.get("id")
    label = pid if isinstance(pid, str) and pid else f"#{index}"
    before = len(problems)

    def bad(key: str, fld: str, **params: object) -> None:
        problems.append(Problem(name, key, params, phrase=label, field=fld))

    for key in sorted(set(item) - PHRASE_KEYS):
        bad("deck.err.unknown_field", key)
    if not isinstance(pid, str) or not ID_RE.match(pid):
        bad("deck.err.bad_id", "id")
    elif pid in seen:
        bad("deck.err.duplicate_id", "id")
    else:
        seen.add(pid)
    scenario = item.get("scenario")
    if not isinstance(scenario, str) or scenario not in scenarios:
        bad("deck.err.unknown_scenario", "scenario", value=scenario)
    if item.get("speaker") not in SPEAKERS:
        bad("deck.err.bad_speaker", "speaker", value=item.get("speaker"))
    if not _is_text(item.get("zh")):
        bad("deck.err.empty", "zh")
    for opt in ("note", "pinyin"):
        if opt in item and not _is_text(item[opt]):
            bad("deck.err.empty", opt)
    translations = item.get("translations")
    if not isinstance(translations, dict):
        bad("deck.err.missing", "translations")
        translations = {}
    for lang, text in translations.items():
        if lang not in LANGUAGES:
            bad("deck.err.unknown_language", f"translations.{lang}", lang=lang, known=", ".join(LANGUAGES))
        elif lang not in deck_langs:
            bad("deck.err.language_not_in_deck", f"translations.{lang}", lang=lang)
        elif not _is_text(text):
            bad("deck.err.empty", f"translations.{lang}")
    for lang in deck_langs:
        if lang not in translations:
            bad("deck.err.missing_translation", f"translations.{lang}", lang=lang)
    alternatives = item.get("alternatives", {})
    if not isinstance(alternatives, dict):
        bad("deck.err.bad_alternatives", "alternatives")
        alternatives = {}
    for lang, alts in alternatives.items():
        if lang not in deck_langs:
            bad("deck.err.language_not_in_deck", f"alternatives.{lang}", lang=lang)
        elif not isinstance(alts, list) or not all(_is_text(a) for a in alts):
            bad("deck.err.bad_alternatives", f"alternatives.{lang}")
    if len(problems) > before:
        return None
    return Phrase(
        id=pid,
        scenario=scenario,
        speaker=item["speaker"],
        zh=item["zh"].strip(),
        translations={lang: translations[lang].strip() for lang in deck_langs},
        alternatives={lang: tuple(a.strip() for a in alts) for lang, alts in alternatives.items()},
        note=item["note"].strip() if "note" in item else None,
        pinyin=item["pinyin"].strip() if "pinyin" in item else None,
    )


def load_decks(folder: Path, only: list[Path] | None = None) -> list[Deck]:
    """Load every deck of `folder` (or just `only`); all problems of all files come back in one DeckError."""
    decks, problems = read_decks(folder, only)
    if problems:
        raise DeckError(problems)
    return decks


def read_decks(folder: Path, only: list[Path] | None = None) -> tuple[list[Deck], list[Problem]]:
    """The decks that passed, and the problems of those that did not (start-up leaves those out)."""
    scenarios = load_scenarios(folder)
    problems: list[Problem] = []
    decks: list[Deck] = []
    owners: dict[str, Path] = {}
    for path in only if only is not None else deck_files(folder):
        try:
            deck = load_deck(path, scenarios)
        except DeckError as err:
            problems.extend(err.problems)
            continue
        if deck.id in owners:
            problems.append(Problem(str(path), "deck.err.duplicate_deck", {"other": owners[deck.id]}, field="id"))
            continue
        owners[deck.id] = path
        decks.append(deck)
    return decks, problems
