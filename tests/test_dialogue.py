"""Dialogue role-play on the real decks: deck order, clerk turns scored, each reply an FSRS review."""

from __future__ import annotations

import pytest

from phrasebook.answers import Outcome, score
from phrasebook.dialogue import DialogueSession
from phrasebook.doctor import check
from phrasebook.people import StudySettings, create_person
from phrasebook.scheduler import AGAIN, GOOD, HARD, NEW
from phrasebook.session import card_state
from phrasebook.store import cards as q
from phrasebook.store import open_store


@pytest.fixture
def store(real_db):
    s = open_store(real_db)
    yield s
    s.close()


def test_a_scenario_is_played_in_deck_order_and_every_reply_is_a_review(store, clock):
    person = create_person(store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en", "ru")))
    d = DialogueSession(store, person, scenario="identity", lang="ru", clock=clock)
    order = [r["phrase_id"] for r in store.rows(
        "SELECT phrase_id FROM phrases WHERE scenario = 'identity' AND NOT retired ORDER BY position")]
    assert [line.phrase_id for line in d.lines] == order
    assert {line.speaker for line in d.lines} == {"clerk", "applicant"}
    assert d.turns_total == sum(1 for line in d.lines if line.speaker == "clerk")
    replies = 0
    while (line := d.current) is not None:
        if line.speaker == "applicant":
            d.listen()
            continue
        card_before = card_state(q.card(store, line.card_id))
        if replies == 0:  # typed without stress marks: right
            result = score(line.text.replace("\u0301", ""), line.text, "ru", line.alternatives)
            assert result.outcome is Outcome.RIGHT
            after = d.reply(result.grade, score=result, duration_ms=5000)
        elif replies == 1:  # typed with a word missing: almost, Hard proposed and taken
            words = line.text.split()
            result = score(" ".join(words[:-1]), line.text, "ru")
            assert result.outcome is Outcome.ALMOST and result.grade == HARD
            after = d.reply(result.grade, score=result)
        elif replies == 2:  # judged wrong, but the trainee says "I was right": the override counts
            result = score("Да", line.text, "ru")
            assert result.outcome is Outcome.WRONG
            after = d.reply(GOOD, score=result)
        else:
            after = d.reply(AGAIN if replies % 3 == 0 else GOOD)
        assert card_before.state == NEW and after.state != NEW
        assert card_state(q.card(store, line.card_id)) == after
        replies += 1
        clock.advance(seconds=40)
    assert replies == d.turns_total > 3
    modes = {r[0] for r in store.rows("SELECT DISTINCT mode FROM reviews WHERE session_id = ?", (d.session_id,))}
    assert modes == {"dialogue"}
    outcomes = [t.outcome for t in d.result.turns]
    assert outcomes[:3] == [Outcome.RIGHT, Outcome.ALMOST, Outcome.RIGHT]
    assert d.result.count(Outcome.WRONG) == sum(1 for i in range(3, replies) if i % 3 == 0)
    assert 0 < d.result.percent < 100
    summary = d.finish()
    assert summary.answered == replies and summary.new == replies
    assert check(store).ok and not check(store).mismatched


def test_it_is_not_the_clerks_turn_on_an_applicant_line(store, clock):
    person = create_person(store, name="王芳", staff_no="C1")
    d = DialogueSession(store, person, scenario="identity", lang="en", clock=clock)
    while d.current.speaker == "clerk":
        d.reply(GOOD)
    with pytest.raises(ValueError):
        d.reply(GOOD)


def test_a_language_not_studied_has_lines_but_no_turns(store, clock):
    person = create_person(store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    d = DialogueSession(store, person, scenario="identity", lang="ko", clock=clock)
    assert d.lines and d.turns_total == 0


def test_a_reply_shows_the_grade_the_log_holds(store, clock, monkeypatch):
    """The first press was written but its caller never heard (an error after COMMIT); the trainee presses another
    grade. The log keeps the first, and so must the dialogue's result: not the grade pressed second."""
    from phrasebook.errors import PhrasebookError

    person = create_person(store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    d = DialogueSession(store, person, scenario="identity", lang="en", clock=clock)
    while not d.current.is_turn:
        d.listen()
    real = q.record_answer

    def lost_reply(*args, **kwargs):
        real(*args, **kwargs)
        raise PhrasebookError("reliability.busy", seconds=15)

    monkeypatch.setattr(q, "record_answer", lost_reply)
    with pytest.raises(PhrasebookError):
        d.reply(AGAIN)
    monkeypatch.setattr(q, "record_answer", real)
    d.reply(GOOD)
    assert [t.rating for t in d.result.turns] == [AGAIN] and d.result.count(Outcome.WRONG) == 1
    assert [r[0] for r in store.rows("SELECT rating FROM reviews")] == [AGAIN]
    assert d.last_saved.rating == AGAIN and not d.last_saved.created


def test_new_lines_are_shown_first_and_count_against_the_daily_new_limit(store, clock):
    """A clerk line never studied is met as the drill meets a new card (FIRST: seen, then self-graded) and uses
    one of the day's new cards; once the limit is reached, new lines are only shown (OVER_LIMIT: no review, the
    card stays new) and the result says how many. Lines already studied are ordinary replies."""
    from phrasebook.dialogue import FIRST, HEARD, OVER_LIMIT, REPLY

    person = create_person(store, name="王芳", staff_no="C1",
                           settings=StudySettings(languages=("en",), new_per_day=2))
    d = DialogueSession(store, person, scenario="identity", lang="en", clock=clock)
    clerk = [line for line in d.lines if line.is_turn]
    assert len(clerk) > 3
    roles = []
    while (line := d.current) is not None:
        roles.append(role := d.role(line))
        if role in (FIRST, REPLY):
            d.reply(GOOD)
        else:
            if role == OVER_LIMIT:
                with pytest.raises(ValueError):
                    d.reply(GOOD)
            d.listen()
    assert [r for r in roles if r != HEARD] == [FIRST, FIRST] + [OVER_LIMIT] * (len(clerk) - 2)
    assert d.result.shown_only == len(clerk) - 2 and len(d.result.turns) == 2
    assert store.value("SELECT count(*) FROM reviews") == 2
    assert [card_state(q.card(store, line.card_id)).state for line in clerk[2:]] == [NEW] * (len(clerk) - 2)
    assert d.finish().new == 2

    clock.advance(minutes=30)  # the same day: the two learnt lines are replies, the rest still over the limit
    again = DialogueSession(store, person, scenario="identity", lang="en", clock=clock)
    assert [again.role(line) for line in again.lines if line.is_turn] == [REPLY, REPLY] + \
        [OVER_LIMIT] * (len(clerk) - 2)
