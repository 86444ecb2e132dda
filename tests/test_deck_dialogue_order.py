"""The bundled decks read as conversations: the dialogue role-play plays a scenario's lines in deck order
(phrasebook.dialogue), so a deck that lists every clerk line before every applicant line plays as a clerk
monologue followed by an applicant monologue. Each scenario with both speakers must interleave them."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from phrasebook import paths
from phrasebook.decks import load_decks


def conversation_problems(speakers: list[str]) -> list[str]:
    """Why this sequence of speakers does not read as a conversation (empty: it does).

    Neither speaker's lines may all come before the other's, and the speaker must change at least
    min(clerk lines, applicant lines) // 2 times (roughly: at least every other applicant line is an exchange
    of its own, not part of a block of applicant lines)."""
    clerk, applicant = speakers.count("clerk"), speakers.count("applicant")
    if not clerk or not applicant:
        return []
    problems = []
    first = {s: speakers.index(s) for s in ("clerk", "applicant")}
    last = {s: len(speakers) - 1 - speakers[::-1].index(s) for s in ("clerk", "applicant")}
    if last["clerk"] < first["applicant"]:
        problems.append("every clerk line comes before every applicant line")
    if last["applicant"] < first["clerk"]:
        problems.append("every applicant line comes before every clerk line")
    changes = sum(1 for a, b in pairwise(speakers) if a != b)
    if changes < min(clerk, applicant) // 2:
        problems.append(f"only {changes} speaker changes for {clerk} clerk and {applicant} applicant lines")
    return problems


def scenarios_in_play_order(decks) -> dict[str, list[tuple[str, str]]]:
    """(phrase id, speaker) per scenario, in the order the role-play plays them: decks in load order, then
    phrases in file order (phrases.position = deck position * stride + index in file)."""
    lines: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for deck in decks:
        for phrase in deck.phrases:
            lines[phrase.scenario].append((phrase.id, phrase.speaker))
    return lines


def bundled() -> dict[str, list[tuple[str, str]]]:
    return scenarios_in_play_order(load_decks(paths.decks_dir()))


def test_each_bundled_scenario_reads_as_a_conversation():
    scenarios = bundled()
    assert len(scenarios) == 17
    failures = {}
    for scenario, lines in scenarios.items():
        if problems := conversation_problems([speaker for _, speaker in lines]):
            failures[scenario] = (problems, [pid for pid, _ in lines])
    assert failures == {}


def test_the_same_lines_as_two_monologues_are_refused():
    """The rule is not vacuous: every bundled scenario, its clerk lines first (as the first four decks once
    were) or its applicant lines first, fails it."""
    for scenario, lines in bundled().items():
        speakers = [speaker for _, speaker in lines]
        for first in ("clerk", "applicant"):
            blocked = sorted(speakers, key=lambda s: s != first)
            assert conversation_problems(blocked), (scenario, first)


def test_the_rule_on_small_examples():
    assert conversation_problems(["clerk", "clerk"]) == []
    assert conversation_problems(["applicant", "clerk", "applicant", "clerk", "clerk"]) == []
    assert conversation_problems(["clerk", "clerk", "applicant"]) == [
        "every clerk line comes before every applicant line"]
    assert conversation_problems(["clerk"] * 5 + ["applicant"] * 6 + ["clerk"]) == [
        "only 2 speaker changes for 6 clerk and 6 applicant lines"]
