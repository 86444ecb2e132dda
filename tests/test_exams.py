"""Exams (考核) on the real decks: definitions and their checks, the drawn paper, role rules, scoring."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from phrasebook import i18n
from phrasebook.answers import Outcome
from phrasebook.choices import OPTIONS
from phrasebook.clock import local
from phrasebook.cohorts import create_cohort, enrol
from phrasebook.errors import PhrasebookError
from phrasebook.exam_sitting import Question, mark
from phrasebook.exams import (
    create_exam,
    delete_exam,
    draw_items,
    edit_exam,
    get_exam,
    list_exams,
    options_source,
    paper,
    parse_moment,
    pool_entries,
)
from phrasebook.people import StudySettings, create_person
from phrasebook.scheduler import AGAIN, GOOD, HARD
from phrasebook.session import prepare
from phrasebook.store import open_store

EXAM_MODULES = ["phrasebook.exams", "phrasebook.exam_sitting", "phrasebook.exam_review", "phrasebook.exam_results",
                "phrasebook.store.exams"]


@pytest.fixture
def store(real_db):
    s = open_store(real_db)
    yield s
    s.close()


@pytest.fixture
def people(store, clock):
    """K1 coordinator; T1 trains 第12期 (C1, C2, C3), T2 trains 第13期 (C9). Trainees study en and ru."""
    now = clock()
    made = {"K1": create_person(store, name="刘洋", staff_no="K1", role="coordinator"),
            "T1": create_person(store, name="李老师", staff_no="T1", role="trainer"),
            "T2": create_person(store, name="周老师", staff_no="T2", role="trainer")}
    for staff_no, name in (("C1", "王芳"), ("C2", "张伟"), ("C3", "赵敏"), ("C9", "李娜")):
        made[staff_no] = create_person(store, name=name, staff_no=staff_no, department="综合窗口",
                                       settings=StudySettings(languages=("en", "ru")))
        prepare(store, made[staff_no])
    c12 = create_cohort(store, name="第12期", starts_on="2026-11-01", ends_on="2026-12-31", trainer=made["T1"], now=now)
    c13 = create_cohort(store, name="第13期", starts_on="2026-11-01", ends_on="2026-12-31", trainer=made["T2"], now=now)
    enrol(store, c12, [made["C1"], made["C2"], made["C3"]], now=now)
    enrol(store, c13, [made["C9"]], now=now)
    made["c12"], made["c13"] = c12, c13
    return made


def define(store, cohort, clock, by=None, **changes):
    fields = {"title": "英语俄语考核", "decks": ["greeting", "identity"], "langs": ["en", "ru"],
              "modes": ["typed", "choice", "listening"], "items": 10, "minutes": 20, "pass_mark": "60%",
              "opens": clock() - timedelta(hours=1), "closes": clock() + timedelta(days=2)}
    return create_exam(store, cohort=cohort, now=clock(), by=by, **(fields | changes))


# -- definitions -------------------------------------------------------------------------------------------
BAD = [  # (change, error key, words the Chinese message must contain)
    ({"title": "  "}, "exam.err.title_empty", "考核名称"),
    ({"items": "0"}, "exam.err.number", "题数"),
    ({"items": "十"}, "exam.err.number", "题数"),
    ({"minutes": 0}, "exam.err.number", "限时"),
    ({"minutes": "999"}, "exam.err.number", "限时"),
    ({"attempts": "0"}, "exam.err.number", "可考次数"),
    ({"pass_mark": "150%"}, "exam.err.pass_mark", "及格线"),
    ({"pass_mark": "及格"}, "exam.err.pass_mark", "及格线"),
    ({"opens": "明天上午"}, "exam.err.moment", "开放时间"),
    ({"closes": "2026-13-40"}, "exam.err.moment", "截止时间"),
    ({"opens": "2026-11-25 09:00", "closes": "2026-11-24 18:00"}, "exam.err.closes_first", "截止时间"),
    ({"opens": "2026-11-01", "closes": "2026-11-10"}, "exam.err.closes_past", "截止时间"),
    ({"modes": ["self"]}, "exam.err.mode", "自评"),
    ({"modes": []}, "exam.err.no_mode", "作答方式"),
    ({"langs": ["fr"]}, "exam.err.lang", "语种"),
    ({"langs": []}, "exam.err.no_lang", "语种"),
    ({"langs": ["ja"], "modes": ["typed"]}, "exam.err.typed_lang", "选择题或听力"),
    ({"decks": ["nope"]}, "exam.err.deck", "题库"),
    ({"decks": [], "scenarios": ["nowhere"]}, "exam.err.scenario", "情景"),
    ({"decks": [], "scenarios": []}, "exam.err.no_content", "题库"),
    ({"items": "100", "decks": ["greeting"]}, "exam.err.pool_small", "题数"),
]


@pytest.mark.parametrize(("change", "key", "words"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_every_bad_field_is_refused_with_a_message_naming_it(store, people, clock, change, key, words):
    with pytest.raises(PhrasebookError) as err:
        define(store, people["c12"], clock, **change)
    assert err.value.key == key and words in err.value.message()
    assert store.value("SELECT count(*) FROM exams") == 0 and store.value("SELECT count(*) FROM exam_items") == 0


def test_messages_follow_the_ui_language(store, people, clock):
    i18n.set_language("en")
    with pytest.raises(PhrasebookError) as err:
        define(store, people["c12"], clock, minutes="abc")
    assert err.value.message().startswith("Time limit (minutes) must be a whole number")


def test_typed_is_only_for_english_and_russian_but_ja_can_be_examined_by_choice(store, people, clock):
    exam = define(store, people["c12"], clock, langs=["ja", "en"], modes=["typed", "choice"], items=12)
    items = paper(store, exam)
    assert {i["lang"] for i in items} == {"ja", "en"}
    assert all(i["lang"] == "en" and i["direction"] == "produce" for i in items if i["mode"] == "typed")
    assert all(i["mode"] == "choice" for i in items if i["lang"] == "ja")


@pytest.fixture
def beijing(monkeypatch):
    """The machine's local time is China's (UTC+8, no daylight saving) for this test, wherever it runs."""
    monkeypatch.setenv("TZ", "CST-8")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_moments_as_people_type_them(beijing):
    a = parse_moment("2026-12-01 09:00", "opens")
    assert a == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    assert parse_moment("2026/12/1 9:00", "opens") == a == parse_moment("2026年12月1日 9:00", "opens")
    assert parse_moment("2026-12-01T09:00", "opens") == a == parse_moment(datetime(2026, 12, 1, 9), "opens")
    assert parse_moment("2026-12-01", "opens") == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert parse_moment("2026-12-01", "closes", end_of_day=True) == datetime(2026, 12, 1, 15, 59, tzinfo=UTC)


# -- the paper ---------------------------------------------------------------------------------------------
def test_the_paper_is_drawn_reproducibly_from_the_exam_seed(store, people, clock):
    exam = define(store, people["c12"], clock)
    stored = [{k: r[k] for k in ("phrase_pk", "lang", "direction", "mode", "prompt", "prompt_aid", "options",
                                 "answer", "alternatives", "correct")} for r in paper(store, exam)]
    again = draw_items(pool_entries(store, exam), modes=exam.modes, count=exam.item_count, seed=exam.seed,
                       options_from=options_source(store))
    assert [{k: v for k, v in item.items() if k != "position"} for item in again] == stored
    other = draw_items(pool_entries(store, exam), modes=exam.modes, count=exam.item_count, seed=exam.seed + "x",
                       options_from=options_source(store))
    assert [i["phrase_pk"] for i in other] != [i["phrase_pk"] for i in stored]
    # languages take turns; every item fits its card's direction; distinct phrases per language
    assert sum(i["lang"] == "en" for i in stored) == sum(i["lang"] == "ru" for i in stored) == 5
    assert len({(i["phrase_pk"], i["lang"]) for i in stored}) == 10
    for i in stored:
        assert i["mode"] in (("typed", "choice") if i["direction"] == "produce" else ("listening", "choice"))
        if i["mode"] != "typed":
            options = json.loads(i["options"])
            assert len(options) == OPTIONS == len(set(options)) and options[i["correct"]] == i["answer"]


def test_exam_options_are_lines_of_the_items_speaker(store, people, clock):
    exam = define(store, people["c12"], clock, modes=["choice"], items=20)
    said_by = {r["zh"]: r["speaker"] for r in store.rows("SELECT zh, speaker FROM phrases")}
    said_by |= {r["text"]: r["speaker"] for r in store.rows(
        "SELECT t.text, p.speaker FROM translations t JOIN phrases p ON p.pk = t.phrase_pk")}
    for item in paper(store, exam):
        speaker = "clerk" if item["direction"] == "produce" else "applicant"
        assert {said_by[o] for o in json.loads(item["options"])} == {speaker}, item["prompt"]


def test_no_option_gives_away_a_typed_answer(store, people, clock):
    for n in range(6):
        exam = define(store, people["c12"], clock, title=f"考核{n}", langs=["ru"], modes=["typed", "choice"],
                      decks=["greeting"], items=12)
        items = paper(store, exam)
        typed = {i["answer"] for i in items if i["mode"] == "typed"}
        offered = {o for i in items if i["mode"] == "choice" for o in json.loads(i["options"])}
        assert typed and not typed & offered


def test_a_deck_edit_later_does_not_change_the_paper(store, people, clock):
    from phrasebook.exam_sitting import questions, start

    exam = define(store, people["c12"], clock)
    attempt = start(store, exam, people["C1"], now=clock())
    before, asked = [dict(r) for r in paper(store, exam)], questions(store, attempt)
    with store.write() as conn:  # everything an item shows: the Chinese, its pinyin, the translation and its aids
        conn.execute("UPDATE phrases SET zh = zh || '（改）', pinyin = 'gǎi'")
        conn.execute("UPDATE translations SET text = 'changed', romanization = 'kaeta', alternatives = '[\"x\"]'")
    assert [dict(r) for r in paper(store, exam)] == before and questions(store, attempt) == asked
    live = {(r["zh"], r["text"]) for r in store.rows("SELECT p.zh, t.text FROM phrases p JOIN translations t "
                                                       "ON t.phrase_pk = p.pk")}
    assert all((i["zh"], i["answer"] if i["direction"] == "produce" else i["prompt"]) not in live for i in before)


# -- role rules ---------------------------------------------------------------------------------------------
def test_only_the_cohorts_trainer_or_a_coordinator_sets_its_exams(store, people, clock):
    for outsider in ("T2", "C1"):
        with pytest.raises(PhrasebookError) as err:
            define(store, people["c12"], clock, by=people[outsider])
        assert err.value.key == "auth.denied"
    mine = define(store, people["c12"], clock, by=people["T1"])
    theirs = define(store, people["c13"], clock, by=people["K1"], title="第13期考核")
    assert [e.id for e in list_exams(store, people["T1"])] == [mine.id]
    assert {e.id for e in list_exams(store, people["K1"])} == {mine.id, theirs.id}
    assert [e.id for e in list_exams(store, people["C1"])] == [mine.id]  # a trainee: their cohorts only
    assert [e.id for e in list_exams(store, people["C9"])] == [theirs.id]
    with pytest.raises(PhrasebookError):
        list_exams(store, people["T2"], cohort=people["c12"])
    for outsider in ("T2", "C1"):
        with pytest.raises(PhrasebookError):
            paper(store, mine, by=people[outsider])
        with pytest.raises(PhrasebookError):
            edit_exam(store, mine, now=clock(), by=people[outsider], minutes=30)
        with pytest.raises(PhrasebookError):
            delete_exam(store, mine, now=clock(), by=people[outsider])


def test_edit_redraws_until_someone_starts_and_delete_keeps_results_unless_forced(store, people, clock):
    from phrasebook.exam_sitting import start, submit

    exam = define(store, people["c12"], clock, by=people["T1"])
    edited = edit_exam(store, exam, now=clock(), by=people["T1"], items=6, minutes="30", pass_mark=80)
    assert (edited.item_count, edited.minutes, edited.pass_mark) == (6, 30, 0.8)
    assert len(paper(store, edited)) == 6
    attempt = start(store, edited, people["C1"], now=clock())
    with pytest.raises(PhrasebookError) as err:
        edit_exam(store, edited, now=clock(), by=people["T1"], minutes=40)
    assert err.value.key == "exam.err.started"
    for force in (False, True):  # someone is sitting it: not even force deletes it from under them
        with pytest.raises(PhrasebookError) as err:
            delete_exam(store, edited, now=clock(), by=people["T1"], force=force)
        assert err.value.key == "exam.err.delete_running" and "正在作答" in err.value.message()
    submit(store, attempt, now=clock())
    with pytest.raises(PhrasebookError) as err:
        delete_exam(store, edited, now=clock(), by=people["T1"])
    assert err.value.key == "exam.err.delete_sat"
    delete_exam(store, edited, now=clock(), by=people["T1"], force=True)
    for table in ("exams", "exam_items", "exam_attempts", "exam_answers"):
        assert store.value(f"SELECT count(*) FROM {table}") == 0


def test_an_abandoned_attempt_can_be_deleted_by_force_and_then_refuses_answers(store, people, clock):
    from phrasebook.exam_sitting import answer, questions, start

    exam = define(store, people["c12"], clock, modes=["choice"], items=3, minutes=10)
    attempt = start(store, exam, people["C1"], now=clock())
    q = questions(store, attempt)[0]
    clock.advance(minutes=11)  # its time is up, nobody has closed it: not running any more
    delete_exam(store, exam, now=clock(), force=True)
    for given in ({"picked": 0}, {"typed": "Hello"}):
        with pytest.raises(PhrasebookError) as err:
            answer(store, attempt, q, now=clock() - timedelta(minutes=5), **given)
        assert err.value.key == "exam.err.no_attempt"
    with pytest.raises(PhrasebookError) as err:  # a trainee's list drawn before the delete
        start(store, exam, people["C2"], now=clock())
    assert err.value.key == "exam.err.not_found"


def test_exams_are_found_by_id_or_unique_title(store, people, clock):
    a = define(store, people["c12"], clock)
    assert get_exam(store, str(a.id)) == a == get_exam(store, "英语俄语考核")
    define(store, people["c13"], clock)
    with pytest.raises(PhrasebookError) as err:
        get_exam(store, "英语俄语考核")
    assert err.value.key == "exam.err.ambiguous"
    with pytest.raises(PhrasebookError):
        get_exam(store, "999")


# -- scoring -------------------------------------------------------------------------------------------------
def phrase(store, phrase_id: str, lang: str):
    return store.row("SELECT t.text, t.alternatives FROM phrases p JOIN translations t ON t.phrase_pk = p.pk "
                     "WHERE p.phrase_id = ? AND t.lang = ?", (phrase_id, lang))


def typed_mark(store, phrase_id, lang, typed):
    p = phrase(store, phrase_id, lang)
    return mark("typed", lang, typed=typed, picked=None, answer_text=p["text"],
                alternatives=tuple(json.loads(p["alternatives"])), correct=None)


def test_typed_items_score_through_answers_score_with_real_phrases(store):
    ru = phrase(store, "greeting-001", "ru")["text"]  # Здра́вствуйте! Чем могу́ помо́чь?
    right = typed_mark(store, "greeting-001", "ru", ru.replace("\u0301", "").lower())
    assert (right.outcome, right.points, right.rating) == (Outcome.RIGHT, 1.0, GOOD)
    slip = typed_mark(store, "greeting-001", "ru", "Здравствуйте! Чем могу помоч?")
    assert (slip.outcome, slip.points, slip.rating) == (Outcome.ALMOST, 0.5, HARD)
    wrong = typed_mark(store, "greeting-001", "ru", "До свидания")
    assert (wrong.outcome, wrong.points, wrong.rating) == (Outcome.WRONG, 0.0, AGAIN)
    alt = typed_mark(store, "greeting-001", "en", "Hello! What can I do for you today?")  # the deck's alternative
    assert alt.outcome is Outcome.RIGHT and alt.typed_score.matched != phrase(store, "greeting-001", "en")["text"]
    us = typed_mark(store, "fees-003", "en", "There is no charge for a business license.")
    assert us.outcome is Outcome.RIGHT  # licence/license: the deck lists the US spelling
    blank = typed_mark(store, "greeting-001", "en", "   ")
    assert (blank.outcome, blank.points, blank.rating) == (Outcome.WRONG, 0.0, None)  # unanswered: no review


def test_choice_items_score_by_the_option_picked():
    right = mark("choice", "ja", typed=None, picked=2, answer_text="x", alternatives=(), correct=2)
    wrong = mark("listening", "ko", typed=None, picked=1, answer_text="x", alternatives=(), correct=2)
    none = mark("choice", "ja", typed=None, picked=None, answer_text="x", alternatives=(), correct=2)
    assert (right.outcome, right.points, right.rating) == (Outcome.RIGHT, 1.0, GOOD)
    assert (wrong.outcome, wrong.points, wrong.rating) == (Outcome.WRONG, 0.0, AGAIN)
    assert (none.outcome, none.points, none.rating) == (Outcome.WRONG, 0.0, None)


def test_the_question_a_trainee_gets_has_no_right_answer_in_it():
    names = {f.name for f in dataclasses.fields(Question)}
    assert not names & {"answer", "correct", "alternatives", "expected", "right_answer", "outcome", "points"}


# -- layers and catalogue ------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", EXAM_MODULES)
def test_exam_domain_modules_do_not_import_the_ui(module):
    code = (f"import sys, {module}\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_exam_times_are_stored_in_utc_and_shown_in_local_time(store, people, clock, beijing):
    exam = define(store, people["c12"], clock, opens="2026-11-23 08:00", closes="2026-12-05")
    assert store.row("SELECT opens_at, closes_at FROM exams")[:] == ("2026-11-23T00:00:00.000000+00:00",
                                                                    "2026-12-05T15:59:00.000000+00:00")
    again = get_exam(store, exam.id)
    assert again.opens_at == datetime(2026, 11, 23, 0, 0, tzinfo=UTC) == exam.opens_at
    assert (local(again.opens_at), local(again.closes_at)) == ("2026-11-23 08:00", "2026-12-05 23:59")
    assert again.state(clock()) == "open"  # 09:00 in Beijing
