"""How a card is asked, and the name its review is logged under (reviews.mode).

- self: recall, reveal, grade yourself (the original drill);
- typed: type the foreign phrase, scored by phrasebook.answers (produce cards);
- choice: pick the right one of four (produce: foreign phrases; recognise: Chinese meanings);
- listening: hear the foreign phrase with its text hidden, pick the meaning (recognise cards);
- dialogue: a clerk line answered inside a scenario role-play (phrasebook.dialogue).

Extra practice that does not count for the schedule is logged as "extra:<mode>" (phrasebook.practice).
"""

from __future__ import annotations

SELF, TYPED, CHOICE, LISTENING, DIALOGUE = "self", "typed", "choice", "listening", "dialogue"
EXTRA = "extra"
EXTRA_PREFIX = EXTRA + ":"

BY_DIRECTION: dict[str, tuple[str, ...]] = {
    "produce": (TYPED, CHOICE, SELF),       # the order `m` cycles in
    "recognise": (LISTENING, CHOICE, SELF),
}
TYPED_BY_DEFAULT = ("en", "ru")  # Japanese/Korean go through an IME, which terminals handle badly


def available(direction: str) -> tuple[str, ...]:
    return BY_DIRECTION[direction]


def default_mode(direction: str, lang: str, *, new: bool, audible: bool) -> str:
    """A card seen for the first time is studied (self); after that it is tested: produce cards typed in
    English/Russian, self-graded in Japanese/Korean; recognise cards by ear when the clip can be played,
    else by choosing the meaning."""
    if new:
        return SELF
    if direction == "produce":
        return TYPED if lang in TYPED_BY_DEFAULT else SELF
    return LISTENING if audible else CHOICE


def next_mode(current: str, direction: str) -> str:
    """The mode after `current` for this direction (`m` in the drill)."""
    modes = available(direction)
    return modes[(modes.index(current) + 1) % len(modes)] if current in modes else modes[0]


def logged(mode: str, *, scheduled: bool) -> str:
    """The reviews.mode value: extra practice that leaves the schedule alone is marked as such."""
    return mode if scheduled else EXTRA_PREFIX + mode


def is_extra(mode: str) -> bool:
    return mode == EXTRA or mode.startswith(EXTRA_PREFIX)
