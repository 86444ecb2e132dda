"""Typed answers: normalise what was typed and what the deck expects, score the match, show what differed.

Pure functions (no store, no UI), so the drill, the dialogue and a later exam share one scoring rule.
Normalising forgives what a clerk at a keyboard should not be marked down for — case, full-width letters,
punctuation, spacing, curly quotes, Russian stress marks and ё/е, English contractions, how a number is written
(phrasebook.numbers: 1,000 = 1000, пять = 5, 33mm = 33 mm) — while
the fuzzy score (rapidfuzz) separates a slip (*almost*: the word-level diff shows it) from a different sentence.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from phrasebook import paths
from phrasebook.decks import DeckError, parse_toml
from phrasebook.numbers import digits_first, words_to_digits
from phrasebook.scheduler import AGAIN, GOOD, HARD
from phrasebook.slips import is_slip, negating_change

# An answer that is not right is "almost" when it is this similar (0–100, rapidfuzz's normalised Indel ratio
# on normalised text) AND every word it has in place of an expected one is a slip of spelling (a few letters
# off), not another word: "Do you speak English?" for "…Chinese?" is 85 % similar and still wrong.
# Calibrated on the decks (tests/test_answers.py): no other phrase of the same deck counts as almost; a
# missing word or a misspelling does.
ALMOST_AT = 70.0

SPACELESS = ("ja", "zh")  # compared character by character; spaces typed between words mean nothing
STRESS_MARKS = dict.fromkeys((0x0301, 0x0300))  # combining acute and grave: Russian stress marks
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
# English contractions, written out the one way both sides are then compared in ('d → would, 's → is).
WHOLE = {"can't": "cannot", "won't": "will not", "shan't": "shall not", "ain't": "is not", "let's": "let us",
         "i'm": "i am", "y'all": "you all"}
IS_S = ("it", "that", "there", "here", "what", "who", "where", "how", "he", "she", "when", "why", "this")
SUFFIXES = [(re.compile(r"\b(\w+)n't\b"), r"\1 not"), (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
            (re.compile(r"\b(\w+)'ve\b"), r"\1 have"), (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
            (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
            (re.compile(rf"\b({'|'.join(IS_S)})'s\b"), r"\1 is")]
WHOLE_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in WHOLE) + r")(?!\w)")
CAN_NOT = re.compile(r"\bcan not\b")
# Numbers may be typed as words or digits, with or without thousands separators (phrasebook.numbers); clock
# times in one form: 10am = 10 a.m. = 10 AM (a.m. is one word "am", so the diff shows it whole).
NUMBERS = re.compile(r"\d+")
AM_PM = re.compile(r"(?<![^\W\d_])([ap])\.\s?m\b\.?")
# Negations: an answer that drops or adds one says the opposite (wrong information, never a slip). Words are
# matched on normalised tokens (can't → cannot, don't → do not); dont/cant typed without the apostrophe count, and
# non of non-acceptance (a hyphen splits words). A prefix fused to its word (незаконное) is phrasebook.slips'.
NEGATION_WORDS = {
    "en": frozenset({"not", "non", "cannot", "never", "no", "nor", "neither", "none", "nothing", "nobody", "nowhere",
                     "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent", "wasnt", "werent", "havent",
                     "hasnt", "hadnt", "wouldnt", "shouldnt", "couldnt", "mustnt", "neednt"}),
    "ru": frozenset({"не", "ни", "нет", "нельзя", "никогда", "ничего", "никто", "нигде", "никак", "никакой",
                     "никакие", "никаких"}),
    "ko": frozenset({"안", "못"}),
}
# Where a negation is part of a word (Japanese verb endings, Korean 않다/없다/아니다/-지 마세요): counted as text.
NEGATION_MARKS = {"ja": ("ない", "なかっ", "ません", "ずに"), "ko": ("않", "없", "아니", "마세요", "마십시오")}
# Set phrases that carry a negative ending but say no "not": an apology (すみません) left out or added is a
# missing polite word, not a reversed meaning. Taken out before the marks are counted.
NOT_NEGATIONS = {"ja": ("すみません", "すいません", "申し訳ありません", "申し訳ございません", "申し訳ない")}


class Outcome(StrEnum):
    RIGHT = "right"
    ALMOST = "almost"
    WRONG = "wrong"


PROPOSED_GRADE = {Outcome.RIGHT: GOOD, Outcome.ALMOST: HARD, Outcome.WRONG: AGAIN}
POINTS = {Outcome.RIGHT: 1.0, Outcome.ALMOST: 0.5, Outcome.WRONG: 0.0}  # a score over many items (exam, dialogue)


def outcome_of_grade(rating: int) -> Outcome:
    """What a self-given grade says about the answer: Again wrong, Hard almost, Good/Easy right."""
    return {AGAIN: Outcome.WRONG, HARD: Outcome.ALMOST}.get(rating, Outcome.RIGHT)


@dataclass(frozen=True)
class DiffPart:
    """One stretch of the word-level comparison. kind: equal | missing (not typed) | extra (typed, not
    expected) | wrong (typed `typed` where `expected` belongs)."""

    kind: str
    typed: str = ""
    expected: str = ""


@dataclass(frozen=True)
class Score:
    outcome: Outcome
    similarity: float      # 0–100 against the closest accepted answer
    matched: str           # that accepted answer, as the deck writes it
    diff: tuple[DiffPart, ...] = ()

    @property
    def grade(self) -> int:
        """The FSRS grade this answer implies (right → Good, almost → Hard, wrong → Again)."""
        return PROPOSED_GRADE[self.outcome]

    @property
    def points(self) -> float:
        """1 right, ½ almost, 0 wrong: for a score over many items (an exam, a dialogue)."""
        return POINTS[self.outcome]


def _unstress(text: str) -> str:
    """Russian stress marks off (they are a reading aid, nobody types them) and ё read as е."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(STRESS_MARKS))
    return text.replace("ё", "е").replace("Ё", "Е")


def _expand_english(text: str) -> str:
    text = WHOLE_RE.sub(lambda m: WHOLE[m.group(1)], text)
    for pattern, repl in SUFFIXES:
        text = pattern.sub(repl, text)
    text = AM_PM.sub(r"\1m", text)
    return CAN_NOT.sub("cannot", text)


@lru_cache(maxsize=8192)  # the same deck words are normalised over and over while diffing
def normalise(text: str, lang: str) -> str:
    """The form two answers are compared in: equal here means the same answer."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = _unstress(text).casefold()
    if lang == "en":
        text = _expand_english(text)
    text = digits_first(text)
    out = []
    for ch in text:
        if ch == "'":
            continue  # possessive or leftover apostrophe: "company's" = "companys" on both sides
        category = unicodedata.category(ch)
        out.append(" " if category[0] in "PSZC" else ch)
    text = " ".join(words_to_digits("".join(out).split(), lang))
    return text.replace(" ", "") if lang in SPACELESS else text


WORD = re.compile(r"[^\s\-\u2010-\u2014/]+[\-\u2010-\u2014/]*")  # words; a hyphen or slash stays on the left


def _tokens(text: str, lang: str) -> list[tuple[str, str]]:
    """(comparison key, display text) per token: words (по-кита́йски is two), characters for ja/zh. A token
    whose key is several words (I'm → i am) yields one pair per word, the display text on the first."""
    if lang in SPACELESS:
        return [(ch, ch) for ch in normalise(text, lang)]
    pairs: list[tuple[str, str]] = []
    for word in WORD.findall(text):
        for i, key in enumerate(normalise(word, lang).split()):
            pairs.append((key, word if i == 0 else ""))
    return pairs


def _compare(typed: str, expected: str, lang: str) -> list[tuple[str, list, list]]:
    """difflib opcodes over the two token lists, as (op, typed tokens, expected tokens)."""
    a, b = _tokens(typed, lang), _tokens(expected, lang)
    matcher = difflib.SequenceMatcher(a=[k for k, _d in a], b=[k for k, _d in b], autojunk=False)
    return [(op, a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def word_diff(typed: str, expected: str, lang: str) -> tuple[DiffPart, ...]:
    """What differed, word by word (character by character for ja/zh), in the expected answer's order."""
    glue = "" if lang in SPACELESS else " "

    def show(pairs: list[tuple[str, str]]) -> str:
        return glue.join(d for _k, d in pairs if d) or glue.join(k for k, _d in pairs)

    kinds = {"equal": "equal", "insert": "missing", "delete": "extra", "replace": "wrong"}
    return tuple(DiffPart(kinds[op], show(a) if a else "", show(b) if b else "")
                 for op, a, b in _compare(typed, expected, lang))


def _slips_only(typed: str, expected: str, lang: str) -> bool:
    """Is every word typed in place of an expected one a misspelling rather than another word (phrasebook.slips)?
    Words typed or left out are slips (a missing article) unless they negate (see negations()) or are numbers
    (see score())."""
    vocabulary = _vocabulary(lang, str(paths.decks_dir())) | set(normalise(expected, lang).split())
    for op, a, b in _compare(typed, expected, lang):
        if op in ("insert", "delete") and negating_change("".join(k for k, _d in a + b), "", lang):
            return False
        if op != "replace":
            continue
        shown = _squash("".join(d for _k, d in a)), _squash("".join(d for _k, d in b))
        if shown[0] and shown[0] == shown[1]:
            continue  # the same letters, only an apostrophe or a space apart: its ~ it's
        if len(a) == len(b):
            if not all(is_slip(x, y, lang, vocabulary) for (x, _), (y, _) in zip(a, b, strict=True)):
                return False
            continue
        keys = "".join(k for k, _d in a), "".join(k for k, _d in b)  # taht's ~ that's, typed as it reads
        if not any(min(map(len, pair)) and is_slip(*pair, lang, vocabulary) for pair in (keys, shown)):
            return False
    return True


@lru_cache(maxsize=16)
def _vocabulary(lang: str, folder: str) -> frozenset[str]:
    """Every word of the decks in `lang` (translations and their alternatives), normalised: a typed word found
    here is another real word, not a slip. Read from the deck files once; a file that cannot be read adds none."""
    words: set[str] = set()
    for path in paths.deck_files(Path(folder)):
        try:  # the decks' own reader (a Notepad BOM is fine), not a second one
            deck = parse_toml(path.read_bytes(), path.name)
        except (OSError, DeckError):
            continue
        for phrase in deck.get("phrases", ()):
            texts = [phrase.get("translations", {}).get(lang), *phrase.get("alternatives", {}).get(lang, ())]
            for text in texts:
                if isinstance(text, str):
                    words.update(normalise(text, lang).split())
    return frozenset(words)


def _numbers(text: str, lang: str) -> list[str]:
    """The numbers of an answer in order (digits, after normalising: 1,000 = 1000, пять = 5): one added, left
    out, changed or moved is wrong information, however alike the rest."""
    return NUMBERS.findall(normalise(text, lang))


def negations(text: str, lang: str) -> int:
    """How many negations the answer has (not, never, не, ない, 않…): a different count reverses the meaning."""
    key = normalise(text, lang)
    for phrase in NOT_NEGATIONS.get(lang, ()):
        key = key.replace(phrase, " ")
    words = NEGATION_WORDS.get(lang, frozenset())
    return sum(w in words for w in key.split()) + sum(key.count(mark) for mark in NEGATION_MARKS.get(lang, ()))


def _squash(text: str) -> str:
    return "".join(ch for ch in _unstress(unicodedata.normalize("NFKC", text)).casefold() if ch.isalnum())


def score(typed: str, expected: str, lang: str, alternatives: tuple[str, ...] | list[str] = ()) -> Score:
    """Score a typed answer against the deck's answer and its listed alternatives (the closest one counts)."""
    answer = normalise(typed, lang)
    best, best_sim = expected, -1.0
    for target in (expected, *alternatives):
        key = normalise(target, lang)
        if answer == key:
            return Score(Outcome.RIGHT, 100.0, target)
        similarity = fuzz.ratio(answer, key) if answer else 0.0
        if similarity > best_sim:
            best, best_sim = target, similarity
    if best_sim < ALMOST_AT:  # another sentence: the trainee is shown the answer, a diff would be noise
        return Score(Outcome.WRONG, round(best_sim, 1), best)
    slip = (negations(typed, lang) == negations(best, lang) and _numbers(typed, lang) == _numbers(best, lang)
            and _slips_only(typed, best, lang))
    outcome = Outcome.ALMOST if slip else Outcome.WRONG
    return Score(outcome, round(best_sim, 1), best, word_diff(typed, best, lang))

