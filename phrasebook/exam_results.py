"""Exam results for staff: per trainee of the cohort (sat or not, best score, passed), the pass rate and mean,
and per-item difficulty; as sheets (CLI table, CSV, XLSX) and JSON.

Each trainee counts with their best submitted attempt (highest score; the earlier one on a tie). The cohort's
figures — sat (people, not attempts), passed, pass rate, mean and item facility — are over its current members
who sat it, so "sat/enrolled" never exceeds 1; someone withdrawn since keeps their row, marked, outside the
figures. An item's *facility* (答对率) is the share of its points earned over those best attempts — right 1,
almost ½, wrong or unanswered 0 — so a low figure marks a hard item; right / almost / wrong / unanswered counts,
which add up to the attempts counted, are given beside it. An item's Chinese is its copy on the paper, so a
later deck edit never changes old results. Attempts whose time is up are closed before anything is counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from phrasebook import auth
from phrasebook.clock import local
from phrasebook.exam_sitting import Attempt, _attempt, best_attempt, close_expired
from phrasebook.exams import Exam, list_exams
from phrasebook.i18n import t
from phrasebook.people import Person
from phrasebook.scheduler import Scheduler
from phrasebook.sheets import PCT, Sheet
from phrasebook.store import Store
from phrasebook.store import exams as q

NOT_SAT, IN_PROGRESS, SAT = "not_sat", "in_progress", "sat"


@dataclass(frozen=True)
class TraineeResult:
    person_id: int
    staff_no: str
    name: str
    department: str
    enrolled: bool             # still in the cohort (someone withdrawn since keeps their result)
    status: str                # not_sat | in_progress | sat
    attempts: int
    best: Attempt | None

    @property
    def percent(self) -> float | None:
        return self.best.percent if self.best else None

    @property
    def passed(self) -> bool | None:
        return self.best.passed if self.best else None


@dataclass(frozen=True)
class ItemStat:
    number: int
    deck_id: str
    phrase_id: str
    zh: str
    lang: str
    mode: str
    answer: str
    sat: int
    right: int
    almost: int
    wrong: int                 # answered wrongly (right + almost + wrong + unanswered = sat)
    unanswered: int
    points: float

    @property
    def facility(self) -> float | None:
        """Share of the item's points earned (right 1, almost ½): 1.0 everyone right, 0.0 nobody."""
        return self.points / self.sat if self.sat else None


@dataclass(frozen=True)
class ExamResults:
    exam: Exam
    trainees: tuple[TraineeResult, ...]
    items: tuple[ItemStat, ...]

    @property
    def counted(self) -> list[TraineeResult]:
        """Current members who sat it: the people every cohort figure is over."""
        return [r for r in self.trainees if r.enrolled and r.status == SAT]

    @property
    def sat(self) -> int:
        return len(self.counted)

    @property
    def enrolled(self) -> int:
        return sum(1 for r in self.trainees if r.enrolled)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.counted if r.passed)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.sat if self.sat else None

    @property
    def mean(self) -> float | None:
        scores = [r.percent for r in self.counted]
        return mean(scores) if scores else None


def exam_results(store: Store, exam: Exam, *, now: datetime, viewer: Person | None = None,
                 scheduler: Scheduler | None = None, close: bool = True) -> ExamResults:
    """The cohort's results for one exam: for its trainer, a coordinator, or the CLI (viewer None). `close` False:
    as stored, without first closing the attempts whose time is up (a write, which a busy database refuses)."""
    if viewer is not None:
        auth.require(auth.can_manage_cohort(viewer, exam))
    if close:
        close_expired(store, now, scheduler=scheduler)
    by_person: dict[int, list[Attempt]] = {}
    for row in q.attempts(store, exam.id):
        by_person.setdefault(row["person_id"], []).append(_attempt(row))
    trainees = []
    for p in q.cohort_people(store, exam.id):
        mine = by_person.get(p["id"], [])
        best = best_attempt(mine)
        status = SAT if best else IN_PROGRESS if mine else NOT_SAT
        trainees.append(TraineeResult(person_id=p["id"], staff_no=p["staff_no"], name=p["name"],
                                      department=p["department"], enrolled=bool(p["enrolled"]), status=status,
                                      attempts=len(mine), best=best))
    best_ids = [r.best.id for r in trainees if r.best and r.enrolled]
    tally: dict[int, Counter] = {}
    for a in q.item_answers(store, best_ids):
        c = tally.setdefault(a["item_id"], Counter())
        c["unanswered" if a["typed"] is None and a["picked"] is None else a["outcome"]] += 1
        c["points"] += a["points"] or 0.0
    items = []
    for i in q.items(store, exam.id):
        c = tally.get(i["id"], Counter())
        items.append(ItemStat(number=i["position"] + 1, deck_id=i["deck_id"], phrase_id=i["phrase_id"], zh=i["zh"],
                              lang=i["lang"], mode=i["mode"], answer=i["answer"], sat=len(best_ids),
                              right=c["right"], almost=c["almost"], wrong=c["wrong"], unanswered=c["unanswered"],
                              points=c["points"]))
    return ExamResults(exam=exam, trainees=tuple(trainees), items=tuple(items))


def headline(r: ExamResults) -> dict[str, object]:
    """The figures of the one-line summary (the CLI's and the app's), formatted alike."""
    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    return {"sat": r.sat, "enrolled": r.enrolled, "passed": r.passed, "pass_rate": pct(r.pass_rate),
            "mean": pct(r.mean), "pass_mark": f"{r.exam.pass_mark:.0%}"}


# -- as tables -----------------------------------------------------------------------------------------------
def _yes_no(value: bool | None) -> str:
    return "" if value is None else t("report.yes") if value else t("report.no")


def _number(points: float) -> int | float:
    """Points as a number a spreadsheet sums and sorts (9, not 9.0; 9.5)."""
    return int(points) if float(points).is_integer() else points


def summary_headers() -> list[str]:
    return [t("exam.col.id"), t("exam.col.title"), t("report.col.cohort"), t("exam.col.opens"),
            t("exam.col.closes"), t("exam.col.items"), t("exam.col.minutes"), t("exam.col.pass_mark"),
            t("exam.col.sat"), t("report.col.members"), t("exam.col.passed"), t("exam.col.pass_rate"),
            t("exam.col.mean")]


def summary_row(r: ExamResults) -> list[object]:
    e = r.exam
    return [e.id, e.title, e.cohort_name, local(e.opens_at), local(e.closes_at), e.item_count, e.minutes,
            e.pass_mark, r.sat, r.enrolled, r.passed, r.pass_rate, r.mean]


SUMMARY_FORMATS = {7: PCT, 11: PCT, 12: PCT}


def summary_sheet(results: list[ExamResults]) -> Sheet:
    """One row per exam (the overview, and the 考核 sheet of the XLSX report)."""
    return Sheet(t("exam.sheet.summary"), summary_headers(), [summary_row(r) for r in results],
                 formats=SUMMARY_FORMATS)


def trainee_sheet(r: ExamResults) -> Sheet:
    headers = [t("report.col.staff_no"), t("report.col.name"), t("report.col.department"), t("exam.col.status"),
               t("exam.col.attempts"), t("exam.col.score"), t("exam.col.points", items=r.exam.item_count),
               t("exam.col.passed"),
               t("exam.col.submitted"), t("exam.col.auto")]
    rows = []
    for x in r.trainees:
        status = t(f"exam.status.{x.status}") + ("" if x.enrolled else t("exam.withdrawn"))
        b = x.best
        rows.append([x.staff_no, x.name, x.department, status, x.attempts, x.percent,
                     _number(b.points) if b else None, _yes_no(x.passed),
                     local(b.submitted_at) if b else "", _yes_no(b.auto_submitted) if b else ""])
    return Sheet(t("exam.sheet.trainees"), headers, rows, formats={0: "@", 5: PCT})


def item_sheet(r: ExamResults) -> Sheet:
    headers = [t("exam.col.number"), t("report.col.deck"), t("exam.col.phrase"), t("exam.col.zh"),
               t("report.col.lang"), t("exam.col.mode"), t("exam.col.facility"), t("exam.col.right"),
               t("exam.col.almost"), t("exam.col.wrong"), t("exam.col.unanswered"), t("exam.col.answer")]
    rows = [[i.number, i.deck_id, i.phrase_id, i.zh, t(f"lang.{i.lang}"), t(f"modes.name.{i.mode}"), i.facility,
             i.right, i.almost, i.wrong, i.unanswered, i.answer] for i in r.items]
    return Sheet(t("exam.sheet.items"), headers, rows, formats={6: PCT})


def sheets(r: ExamResults) -> list[Sheet]:
    return [summary_sheet([r]), trainee_sheet(r), item_sheet(r)]


def to_json(r: ExamResults) -> dict:
    """Machine-readable: English keys, shares as fractions, times ISO (UTC)."""
    e = r.exam

    def share(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return {
        "exam": {"id": e.id, "title": e.title, "cohort": e.cohort_name, "decks": list(e.decks),
                 "scenarios": list(e.scenarios), "languages": list(e.langs), "modes": list(e.modes),
                 "items": e.item_count, "minutes": e.minutes, "pass_mark": e.pass_mark,
                 "opens_at": e.opens_at.isoformat(), "closes_at": e.closes_at.isoformat(),
                 "attempts_allowed": e.attempts_allowed},
        "sat": r.sat, "enrolled": r.enrolled, "passed": r.passed, "pass_rate": share(r.pass_rate),
        "mean": share(r.mean),
        "trainees": [{"staff_no": x.staff_no, "name": x.name, "department": x.department, "enrolled": x.enrolled,
                      "status": x.status, "attempts": x.attempts, "score": share(x.percent),
                      "points": x.best.points if x.best else None, "passed": x.passed,
                      "submitted_at": x.best.submitted_at.isoformat() if x.best else None,
                      "auto_submitted": x.best.auto_submitted if x.best else None} for x in r.trainees],
        "items": [{"number": i.number, "deck": i.deck_id, "phrase": i.phrase_id, "zh": i.zh, "lang": i.lang,
                   "mode": i.mode, "facility": share(i.facility), "right": i.right, "almost": i.almost,
                   "wrong": i.wrong, "unanswered": i.unanswered} for i in r.items],
    }


def all_results(store: Store, *, now: datetime, viewer: Person | None = None, cohort=None,
                scheduler: Scheduler | None = None) -> list[ExamResults]:
    """Results of every exam the viewer deals with (one cohort's when given)."""
    return [exam_results(store, e, now=now, viewer=viewer, scheduler=scheduler)
            for e in list_exams(store, viewer, cohort=cohort)]
