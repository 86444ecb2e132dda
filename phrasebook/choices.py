"""Multiple choice: the right answer among distractors a clerk could plausibly confuse with it.

Distractors are lines the same side says (the card shows who speaks: an applicant's line among clerk lines is
eliminated at a glance), from the same scenario and of similar length (so neither topic nor length gives the
answer away), falling back to other scenarios when a scenario is too small. Within that, an answer with a number
or a Latin code in it (400 yuan, Window 9, Area C, WeChat) gets distractors that have one too — preferably the
same one — so the prompt's number does not point at the only option that has it (and an answer without gets
distractors without). No two options read the same after
normalising (phrasebook.answers.normalise). The draw is seeded, so one card at one moment always gets the
same options — an exam can rebuild exactly what was shown.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from phrasebook.answers import normalise

OPTIONS = 4
SIMILAR = 0.6  # lengths within this ratio (shorter/longer) count as similar
DIGITS = re.compile(r"\d+")
# A code in Latin text: capitals, maybe with digits (C, B1, A025, SMS), not the words I and A. In other scripts
# any Latin word is one (зона C, WeChat, Visa).
LATIN_CODE = re.compile(r"\b(?![AI]\b)[A-Z][A-Z0-9]{0,3}\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class Candidate:
    key: str       # identifies the phrase (deck/phrase id)
    scenario: str
    text: str      # what the option says: the foreign phrase, or the Chinese meaning
    speaker: str = ""  # clerk | applicant: who says it


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    correct: int                  # index of the right option
    keys: tuple[str, ...] = ()    # the phrase behind each option

    def is_correct(self, index: int) -> bool:
        return index == self.correct


def markers(text: str, lang: str) -> frozenset[str]:
    """The numbers and Latin codes of an option: what a prompt's "800" or "C区" would point at."""
    text = unicodedata.normalize("NFKC", text)
    latin = LATIN_CODE.findall(text) if lang == "en" else LATIN_WORD.findall(text)
    return frozenset(DIGITS.findall(text)) | {w.casefold() for w in latin}


def _marker_rank(theirs: frozenset[str], ours: frozenset[str]) -> int:
    """0 best: shares a number/code with the answer (or neither has one), 1 has one of its own, 2 the wrong kind."""
    if not ours:
        return 1 if theirs else 0
    return 0 if theirs & ours else 1 if theirs else 2


def _similar(a: int, b: int) -> bool:
    return min(a, b) / max(a, b, 1) >= SIMILAR


def build(answer: Candidate, pool: Sequence[Candidate], *, lang: str, seed: str,
          accepted: Sequence[str] = (), k: int = OPTIONS) -> Choice:
    """`answer` and k-1 distractors from `pool`, shuffled. `lang` is the options' language ("zh" for Chinese
    meanings); `accepted` are other right answers, never offered as wrong ones."""
    rng = random.Random(seed)
    taken = {normalise(answer.text, lang)} | {normalise(a, lang) for a in accepted}
    length = len(normalise(answer.text, lang))
    marked = markers(answer.text, lang)
    # Tiers, best first: the same speaker, then similar length, then the same scenario, then the number/code rank.
    tiers: dict[tuple[bool, bool, bool, int], list[tuple[Candidate, str]]] = {}
    for c in pool:
        norm = normalise(c.text, lang)
        if c.key == answer.key or norm in taken or not norm:
            continue
        tier = (c.speaker != answer.speaker, not _similar(len(norm), length), c.scenario != answer.scenario,
                _marker_rank(markers(c.text, lang), marked))
        tiers.setdefault(tier, []).append((c, norm))
    chosen: list[Candidate] = []
    for _rank, tier in sorted(tiers.items()):
        rng.shuffle(tier)
        for c, norm in tier:
            if len(chosen) == k - 1:
                break
            if norm not in taken:
                taken.add(norm)
                chosen.append(c)
    options = [answer, *chosen]
    rng.shuffle(options)
    return Choice(tuple(o.text for o in options), options.index(answer), tuple(o.key for o in options))
