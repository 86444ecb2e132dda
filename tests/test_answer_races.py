"""The answer path when the same card is written from two places at once (the same clerk in two terminals, an
exam submitted while a drill runs, doctor rebuilding while clerks answer): each write schedules from the card as
stored inside its own transaction, so card state always equals the replay of its log."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap

import pytest

from phrasebook.doctor import check
from phrasebook.errors import PhrasebookError
from phrasebook.exam_sitting import answer, questions, start, submit
from phrasebook.people import StudySettings, create_person
from phrasebook.practice import ExtraSession
from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD, REVIEW, Scheduler
from phrasebook.session import DrillSession, card_state, prepare
from phrasebook.store import cards as q
from phrasebook.store import exams as exams_q
from phrasebook.store import open_store
from tests.test_exams import define, people, store  # noqa: F401  (fixtures)


@pytest.fixture
def two(mini_store, clock):
    """One clerk, two terminals: two connections to the same file, each with its own drill."""
    person = create_person(mini_store, name="王芳", staff_no="C1",
                           settings=StudySettings(languages=("en",), new_per_day=100))
    other = open_store(mini_store.path)
    yield person, DrillSession(mini_store, person, clock=clock), DrillSession(other, person, clock=clock)
    other.close()


def reviews_of(db, card_id: int) -> list[int]:
    return [r[0] for r in db.rows("SELECT rating FROM reviews WHERE card_id = ? AND kind = 'review' ORDER BY id",
                                     (card_id,))]


def test_two_terminals_answering_one_card_keep_it_equal_to_its_log(mini_store, clock, two):
    _person, a, b = two
    first, second = a.next(), b.next()  # both show the same new card
    assert first.card_id == second.card_id
    a.answer(first, EASY)
    clock.advance(seconds=20)
    after = b.answer(second, AGAIN)  # scheduled from the card as stored (after a's answer), not as b showed it
    assert reviews_of(mini_store, first.card_id) == [EASY, AGAIN]
    stored = card_state(q.card(mini_store, first.card_id))
    assert after == stored and stored.reps == 2
    assert check(mini_store).ok and not check(mini_store).mismatched
    assert b.new_today == 0  # the card was no longer new when b's answer was written: not a new card for b


def test_a_drill_in_another_process_interleaving_on_one_card(mini_store, clock, two, tmp_path):
    """The same, with the second writer a real process that answers between our showing and our answering."""
    _person, a, _b = two
    shown = a.next()
    script = tmp_path / "answer_once.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        from datetime import datetime, timezone
        sys.path.insert(0, {str(__import__('pathlib').Path(__file__).resolve().parent.parent)!r})
        from phrasebook.people import find_person
        from phrasebook.session import DrillSession
        from phrasebook.store import open_store
        store = open_store(sys.argv[1])
        at = datetime(2026, 11, 23, 1, 0, 5, tzinfo=timezone.utc)
        s = DrillSession(store, find_person(store, "C1"), clock=lambda: at)
        p = s.next()
        assert p.card_id == {shown.card_id}
        s.answer(p, 4)
        store.close()
    """))
    subprocess.run([sys.executable, str(script), str(mini_store.path)], check=True, timeout=60)
    clock.advance(seconds=30)
    a.answer(shown, HARD)
    assert reviews_of(mini_store, shown.card_id) == [EASY, HARD]
    assert card_state(q.card(mini_store, shown.card_id)).reps == 2
    assert check(mini_store).ok and not check(mini_store).mismatched


def test_extra_practice_on_a_card_answered_meanwhile_decides_from_the_stored_card(mini_store, clock, two):
    """Shown while due (it would count), answered after the other terminal reviewed it (no longer due): logged as
    extra practice, the card left as the other terminal left it."""
    person, a, b = two
    p = a.next()
    a.answer(p, EASY)
    clock.advance(days=60)  # due again
    extra = ExtraSession(mini_store, person, kind="scenario", lang="en",
                         scenario=mini_store.value("SELECT scenario FROM phrases LIMIT 1"), clock=clock)
    shown = next(x for x in iter(extra.next, None) if x.card_id == p.card_id)
    assert extra.scheduled(shown)
    b2 = DrillSession(b.store, person, clock=clock)
    b2.answer(b2._prompt(q.card(b.store, p.card_id)), GOOD)
    stored = card_state(q.card(mini_store, p.card_id))
    assert stored.state == REVIEW and stored.due > clock()
    extra.answer(shown, AGAIN)
    assert card_state(q.card(mini_store, p.card_id)) == stored
    assert mini_store.value("SELECT mode FROM reviews ORDER BY id DESC LIMIT 1") == "extra:self"
    assert extra.summary.extra == 1
    assert check(mini_store).ok and not check(mini_store).mismatched


def test_a_retry_after_another_terminals_answer_keeps_the_first_result(mini_store, clock, two):
    _person, a, b = two
    first, second = a.next(), b.next()
    a.answer(first, GOOD)
    b.answer(second, AGAIN)
    again = a.answer(first, EASY)  # a retry of a's answer: its key is in the log, nothing is written
    assert again == card_state(q.card(mini_store, first.card_id))
    assert reviews_of(mini_store, first.card_id) == [GOOD, AGAIN]
    assert check(mini_store).ok


def test_an_answer_older_than_the_card_last_review_still_replays(mini_store, clock, two):
    """Clocks of two terminals differ: an answer dated before the card's last review is applied in log order."""
    _person, a, b = two
    first, second = a.next(), b.next()
    clock.advance(minutes=5)
    a.answer(first, GOOD)
    clock.advance(minutes=-4)
    b.answer(second, HARD)
    assert check(mini_store).ok and not check(mini_store).mismatched


def test_a_stored_plan_is_what_record_answer_applies(mini_store, clock):
    """record_answer hands the plan the card as stored in the transaction and stores what the plan returns."""
    person = create_person(mini_store, name="王芳", staff_no="C1")
    prepare(mini_store, person)
    card_id = q.card_ids(mini_store, person.id)[0]
    seen = []

    def plan(row):
        seen.append(row["reps"])
        return "self", {**dict(card_state(row).to_dict()), "reps": row["reps"] + 7}

    saved = q.record_answer(mini_store, key="k1", card_id=card_id, person_id=person.id, session_id=None, rating=3,
                            reviewed_at="2026-11-23T01:00:00.000000+00:00", duration_ms=None, plan=plan)
    assert seen == [0] and saved.created and saved.card["reps"] == 7 and saved.before["reps"] == 0
    with pytest.raises(PhrasebookError):
        q.record_answer(mini_store, key="k2", card_id=999_999, person_id=person.id, session_id=None, rating=3,
                        reviewed_at="2026-11-23T01:00:00.000000+00:00", duration_ms=None, plan=plan)


class DrillMeanwhile(Scheduler):
    """A scheduler that, the first time the exam's reviews are scheduled, has the clerk's other terminal answer
    that card (a drill shown before the exam began): the moment between reading a card and writing its review.
    Scheduling inside the write transaction leaves no such moment — the other terminal then waits (here: is
    told busy and answers again right after)."""

    def __init__(self, drill: DrillSession, prompt) -> None:
        super().__init__()
        self.drill, self.prompt, self.tried = drill, prompt, False

    def review(self, card_id, card, rating, at):
        if not self.tried and card_id == self.prompt.card_id:
            self.tried = True
            with contextlib.suppress(PhrasebookError):
                self.drill.answer(self.prompt, GOOD)
        return super().review(card_id, card, rating, at)


def test_an_exam_logged_while_a_drill_answers_the_same_card(store, people, clock):  # noqa: F811
    person = people["C1"]
    d = DrillSession(store, person, deck="greeting", lang="en", clock=clock)
    while (p := d.next()) is not None:
        d.answer(p, EASY)
    clock.advance(days=60)  # every greeting card is due
    other = open_store(store.path)
    other.patience_s = 0.3
    exam = define(store, people["c12"], clock, decks=["greeting"], langs=["en"], modes=["choice"], items=4,
                  minutes=10)
    item_cards = [exams_q.card_for(store, person.id, i["phrase_pk"], "en", i["direction"])
                  for i in exams_q.items(store, exam.id)]
    drill = DrillSession(other, person, deck="greeting", lang="en", clock=clock)  # opened before the exam
    shown = drill._prompt(q.card(other, item_cards[0]))
    attempt = start(store, exam, person, now=clock())
    for question in questions(store, attempt):
        answer(store, attempt, question, picked=0, now=clock())
    clock.advance(minutes=1)
    hooked = DrillMeanwhile(drill, shown)
    submit(store, attempt, now=clock(), scheduler=hooked)
    assert hooked.tried
    drill.answer(shown, GOOD)  # answered again if it was told busy; a retry of its key if it went through
    assert len(reviews_of(store, shown.card_id)) == 3  # the drill's EASY, the exam's and the drill's GOOD
    report = check(store)
    assert report.ok and not report.mismatched
    other.close()


# -- undo ----------------------------------------------------------------------------------------------------
def test_undo_is_refused_once_another_terminal_answered_the_card(mini_store, clock, two):
    """a's answer is no longer the card's latest: undoing it would also take back b's. Nothing is written, the
    session keeps the answer, and the card stays equal to its log."""
    _person, a, b = two
    first, second = a.next(), b.next()
    a.answer(first, GOOD)
    clock.advance(seconds=10)
    b.answer(second, EASY)
    stored = card_state(q.card(mini_store, first.card_id))
    with pytest.raises(PhrasebookError) as caught:
        a.undo()
    assert caught.value.key == "drill.undo_superseded"
    assert mini_store.value("SELECT count(*) FROM reviews WHERE kind = 'undo'") == 0
    assert card_state(q.card(mini_store, first.card_id)) == stored
    assert a.can_undo and a.summary.answered == 1 and a.new_today == 1
    assert check(mini_store).ok and not check(mini_store).mismatched
    b.undo()  # b's answer is still the latest: it can go, and the card replays to a's answer alone
    assert reviews_of(mini_store, first.card_id) == [GOOD, EASY]
    assert check(mini_store).ok and not check(mini_store).mismatched
    assert a.undo().card_id == first.card_id  # now a's is the latest live answer again
    assert card_state(q.card(mini_store, first.card_id)).reps == 0 and check(mini_store).ok


def test_undo_sets_the_card_to_the_replay_of_its_log(mini_store, clock, two):
    """Not to a snapshot: the card as the log says it is without the undone answer, even when the stored
    state had drifted (say, a damaged row)."""
    _person, a, _b = two
    p = a.next()
    a.answer(p, EASY)
    easy = card_state(q.card(mini_store, p.card_id))
    q.set_card_state(mini_store, p.card_id, {**easy.to_dict(), "lapses": 5})  # drifted
    clock.advance(days=30)
    again = a._prompt(q.card(mini_store, p.card_id))
    a.answer(again, HARD)
    a.undo()
    assert card_state(q.card(mini_store, p.card_id)) == easy
    assert check(mini_store).ok and not check(mini_store).mismatched


def test_undo_in_extra_practice_refused_alike(mini_store, clock, two):
    person, a, b = two
    p = a.next()
    a.answer(p, EASY)
    clock.advance(days=60)
    extra = ExtraSession(mini_store, person, kind="scenario", lang="en",
                         scenario=mini_store.value("SELECT scenario FROM phrases LIMIT 1"), clock=clock)
    shown = next(x for x in iter(extra.next, None) if x.card_id == p.card_id)
    extra.answer(shown, AGAIN)  # due: counted, and the card goes back to the end of the round
    queued = list(extra.queue)
    b2 = DrillSession(b.store, person, clock=clock)
    b2.answer(b2._prompt(q.card(b.store, p.card_id)), GOOD)
    with pytest.raises(PhrasebookError):
        extra.undo()
    assert list(extra.queue) == queued and extra.can_undo
    assert check(mini_store).ok and not check(mini_store).mismatched


# -- doctor --rebuild ----------------------------------------------------------------------------------------
class AnswerDuringRebuild(Scheduler):
    """Doctor's scheduler: right after it has replayed the damaged card's log to check it, the clerk answers
    that card in another terminal (which must get the write lock at once: patience 0.3 s)."""

    def __init__(self, drill: DrillSession, prompt) -> None:
        super().__init__()
        self.drill, self.prompt, self.answered = drill, prompt, False

    def replay(self, card_id, reviews):
        state = super().replay(card_id, reviews)
        if not self.answered and card_id == self.prompt.card_id:
            self.answered = True
            self.drill.answer(self.prompt, AGAIN)
        return state


def test_rebuild_keeps_an_answer_made_while_it_runs(mini_store, clock, two):
    person, a, b = two
    for _ in range(3):
        a.answer(a.next(), EASY)
    damaged = q.card_ids(mini_store, person.id)[1]
    good = card_state(q.card(mini_store, damaged))
    q.set_card_state(mini_store, damaged, {**good.to_dict(), "stability": 99.0})
    clock.advance(days=30)
    b.store.patience_s = 0.3
    hooked = AnswerDuringRebuild(b, b._prompt(q.card(b.store, damaged)))
    report = check(mini_store, rebuild=True, scheduler=hooked)
    assert hooked.answered and report.mismatched == [damaged] and report.repaired == 1
    assert reviews_of(mini_store, damaged) == [EASY, AGAIN]  # the answer made meanwhile is there, and counts
    after = check(mini_store)
    assert after.ok and not after.mismatched
    assert card_state(q.card(mini_store, damaged)).lapses == 1


# -- no open book --------------------------------------------------------------------------------------------
def test_no_drill_extra_practice_or_dialogue_while_an_exam_attempt_runs(store, people, clock):  # noqa: F811
    """Another terminal of the same clerk: sessions are refused by the domain itself, and one opened before the
    exam began hands out no further card; after submission all is open again."""
    from phrasebook.dialogue import DialogueSession

    person = people["C1"]
    d = DrillSession(store, person, deck="greeting", lang="en", clock=clock)
    d.answer(d.next(), EASY)
    clock.advance(days=30)
    before = DrillSession(store, person, deck="greeting", lang="en", clock=clock)  # opened before the exam
    talk = DialogueSession(store, person, scenario="greeting", lang="en", clock=clock)
    turn = next(line for line in talk.lines if line.is_turn)
    exam = define(store, people["c12"], clock, decks=["greeting"], langs=["en"], modes=["choice"], items=4)
    attempt = start(store, exam, person, now=clock())
    starts = (lambda: DrillSession(store, person, clock=clock),
              lambda: ExtraSession(store, person, kind="weak", lang="en", clock=clock),
              lambda: DialogueSession(store, person, scenario="greeting", lang="en", clock=clock),
              before.next, lambda: talk.prompt(turn), talk.listen)
    for begin in starts:
        with pytest.raises(PhrasebookError) as caught:
            begin()
        assert caught.value.key == "drill.in_exam" and exam.title in caught.value.message()
    assert people["C2"] and DrillSession(store, people["C2"], clock=clock).next() is not None  # others drill on
    submit(store, attempt, now=clock())
    assert before.next() is not None and DrillSession(store, person, clock=clock).next() is not None
