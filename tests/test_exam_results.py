"""Exam results on a hand-built history whose answers are known: sat / not sat, best attempt, pass rate, mean,
per-item facility; exported to CSV and XLSX and read back."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from phrasebook.cohorts import enrol
from phrasebook.errors import PhrasebookError
from phrasebook.exam_results import all_results, exam_results, sheets, summary_sheet, to_json, trainee_sheet
from phrasebook.exam_sitting import answer, questions, start, submit
from phrasebook.sheets import as_text, write_csv, write_xlsx
from tests.test_exam_sitting import key_of, right_option, wrong_option
from tests.test_exams import define, people, store  # noqa: F401  (fixtures)


def sit(store, exam, person, clock, plan: dict[int, bool | None]):  # noqa: F811
    """One attempt answering paper item number → right (True), wrong (False) or not at all (None)."""
    attempt = start(store, exam, person, now=clock())
    key = key_of(store, exam)
    for q in questions(store, attempt):
        item = key[q.item_id]
        choice = plan.get(item["position"] + 1)
        if choice is not None:
            answer(store, attempt, q, picked=right_option(item, q) if choice else wrong_option(item, q), now=clock())
    clock.advance(minutes=2)
    return submit(store, attempt, now=clock())


@pytest.fixture
def results(store, people, clock):  # noqa: F811
    """4 choice items, pass mark 60 %, 2 attempts. C1: all right. C2: 1 of 4, then 2 of 4 (best: 50 %, failed).
    C3: never sat."""
    exam = define(store, people["c12"], clock, modes=["choice"], items=4, pass_mark="60%", attempts=2)
    sit(store, exam, people["C1"], clock, {1: True, 2: True, 3: True, 4: True})
    sit(store, exam, people["C2"], clock, {1: True, 2: False, 3: False})
    sit(store, exam, people["C2"], clock, {1: True, 2: True, 3: False})
    return exam_results(store, exam, now=clock(), viewer=people["T1"])


def test_pass_rate_mean_and_item_facility_on_a_known_history(results):
    r = results
    by = {t.staff_no: t for t in r.trainees}
    assert (r.sat, r.enrolled, r.passed) == (2, 3, 1)
    assert r.pass_rate == 0.5 and r.mean == pytest.approx(0.75)
    assert (by["C1"].status, by["C1"].percent, by["C1"].passed, by["C1"].attempts) == ("sat", 1.0, True, 1)
    assert (by["C2"].status, by["C2"].percent, by["C2"].passed, by["C2"].attempts) == ("sat", 0.5, False, 2)
    assert by["C2"].best.number == 2
    assert (by["C3"].status, by["C3"].percent, by["C3"].passed) == ("not_sat", None, None)
    facility = [(i.number, i.facility, i.right, i.wrong, i.unanswered) for i in r.items]
    assert facility == [(1, 1.0, 2, 0, 0), (2, 1.0, 2, 0, 0), (3, 0.5, 1, 1, 0), (4, 0.5, 1, 0, 1)]
    assert all(i.right + i.almost + i.wrong + i.unanswered == i.sat == 2 for i in r.items)  # each answer once


def test_sat_counts_people_still_enrolled_never_more_than_enrolled(store, people, clock, results):  # noqa: F811
    from phrasebook.cohorts import withdraw

    for staff_no in ("C1", "C2"):  # both sat it (C2 twice), then left the cohort
        withdraw(store, people["c12"], people[staff_no], now=clock())
    r = exam_results(store, results.exam, now=clock())
    assert (r.sat, r.enrolled, r.passed, r.pass_rate, r.mean) == (0, 1, 0, None, None)
    assert {x.staff_no: (x.status, x.enrolled) for x in r.trainees} == {
        "C1": ("sat", False), "C2": ("sat", False), "C3": ("not_sat", True)}  # their results stay, marked
    assert all(i.sat == 0 and i.facility is None for i in r.items)
    enrol(store, people["c12"], [people["C2"]], now=clock())  # back again: counted once, with their best
    r = exam_results(store, results.exam, now=clock())
    assert (r.sat, r.enrolled, r.passed, r.mean) == (1, 2, 0, 0.5) and all(i.sat == 1 for i in r.items)


def test_results_are_for_the_cohorts_trainer_and_coordinators(store, people, clock, results):  # noqa: F811
    for outsider in ("T2", "C1"):
        with pytest.raises(PhrasebookError):
            exam_results(store, results.exam, now=clock(), viewer=people[outsider])
    assert exam_results(store, results.exam, now=clock(), viewer=people["K1"]).sat == 2
    assert [x.exam.id for x in all_results(store, now=clock(), viewer=people["T2"])] == []


def test_someone_in_progress_is_not_counted_until_time_is_up(store, people, clock, results):  # noqa: F811
    start(store, results.exam, people["C3"], now=clock())
    now = exam_results(store, results.exam, now=clock())
    assert {t.staff_no: t.status for t in now.trainees}["C3"] == "in_progress" and now.sat == 2
    clock.advance(minutes=25)
    later = exam_results(store, results.exam, now=clock())
    c3 = {t.staff_no: t for t in later.trainees}["C3"]
    assert c3.status == "sat" and c3.percent == 0.0 and c3.best.auto_submitted and later.sat == 3


def test_a_deck_edit_later_does_not_change_old_results(store, clock, results):  # noqa: F811
    before = [(i.zh, i.answer) for i in results.items]
    with store.write() as conn:
        conn.execute("UPDATE phrases SET zh = zh || '（新版）'")
        conn.execute("UPDATE translations SET text = text || ' (new)'")
    after = exam_results(store, results.exam, now=clock())
    assert [(i.zh, i.answer) for i in after.items] == before
    assert all(zh and "新版" not in zh and "(new)" not in answer for zh, answer in before)


def test_csv_and_xlsx_exports_read_back(results, tmp_path):
    path = tmp_path / "成绩.csv"
    sheet = trainee_sheet(results)
    write_csv(path, sheet.headers, as_text(sheet))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:6] == ["工号", "姓名", "部门", "状态", "作答次数", "得分"]
    assert {r[0]: (r[3], r[5], r[7]) for r in rows[1:]} == {"C1": ("已交卷", "100.0%", "是"),
                                                            "C2": ("已交卷", "50.0%", "否"), "C3": ("未参加", "", "")}
    xlsx = tmp_path / "成绩.xlsx"
    write_xlsx(xlsx, sheets(results))
    book = load_workbook(xlsx)
    assert book.sheetnames == ["考核汇总", "考核成绩", "逐题难度"]
    summary = book["考核汇总"]
    assert [c.value for c in summary[1]][8:13] == ["已考人数", "学员数", "及格", "及格率", "平均分"]
    assert [c.value for c in summary[2]][8:13] == [2, 3, 1, 0.5, 0.75]
    assert summary.cell(2, 12).number_format == "0.0%" and summary.freeze_panes == "A2"
    items = book["逐题难度"]
    assert [row[6] for row in items.iter_rows(min_row=2, values_only=True)] == [1.0, 1.0, 0.5, 0.5]
    assert items.column_dimensions["D"].width > 10  # fitted to the Chinese lines
    scores = book["考核成绩"]
    assert scores["A2"].number_format == "@" and scores["F2"].number_format == "0.0%"


def test_json_and_the_overview_sheet(store, clock, results):  # noqa: F811
    data = to_json(results)
    assert (data["sat"], data["passed"], data["pass_rate"], data["mean"]) == (2, 1, 0.5, 0.75)
    assert [i["facility"] for i in data["items"]] == [1.0, 1.0, 0.5, 0.5]
    overview = summary_sheet(all_results(store, now=clock()))
    assert [r[1] for r in overview.rows] == ["英语俄语考核"]


def test_items_carry_their_paper_number_in_the_sitting_the_review_and_the_results(store, people, clock):  # noqa: F811
    """A trainer and a trainee talking about "item 3" mean the same item, whatever order the attempt asked in."""
    from phrasebook.exam_review import review

    exam = define(store, people["c12"], clock, modes=["choice"], items=6)
    key = key_of(store, exam)
    attempt = start(store, exam, people["C1"], now=clock())
    asked = questions(store, attempt)
    assert [key[q.item_id]["position"] for q in asked] != sorted(key[q.item_id]["position"] for q in asked)
    assert all(q.number == key[q.item_id]["position"] + 1 for q in asked)  # shuffled order, paper numbers
    answer(store, attempt, asked[0], picked=wrong_option(key[asked[0].item_id], asked[0]), now=clock())
    attempt = submit(store, attempt, now=clock())
    seen = review(store, attempt, viewer=people["C1"], now=clock())
    paper = {i["position"] + 1: i["prompt"] for i in key.values()}
    assert [i.number for i in seen.items] == list(range(1, 7))  # listed in paper order
    assert all(paper[i.number] == i.prompt for i in seen.items)
    results = exam_results(store, exam, now=clock(), viewer=people["T1"])
    wrong = next(i for i in results.items if i.wrong)
    assert paper[wrong.number] == key[asked[0].item_id]["prompt"]
    assert next(i for i in seen.items if i.answered).number == wrong.number
