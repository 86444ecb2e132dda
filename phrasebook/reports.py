"""Completion reports for trainers and coordinators: per cohort, per trainee, leeches, daily activity.

Figures per trainee are over their assignments (cohort and personal, merged as in `assignments`):
% introduced and % mastered of the assigned cards, answers and study minutes (all their study, from the daily
roll-up; each answer counts at most 60 s), last active, whether they are on track (`pacing.on_track` for every
assignment), and predicted recall on the due date: the mean FSRS retrievability of their assigned cards at the
start of each assignment's due date, or today once it has passed (cards never studied count 0).

Status: completed (every assignment reached its target share mastered), overdue (a due date has passed
without that), not started (no assigned card introduced yet), in progress (the rest); unassigned people
have no assignment. SQL lives in store/reports.py; this module only combines the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from phrasebook import pacing
from phrasebook.assignments import evaluation_moment, moment_us
from phrasebook.clock import day_start, iso, parse, study_day
from phrasebook.cohorts import Cohort
from phrasebook.people import StudySettings
from phrasebook.scheduler import Scheduler
from phrasebook.store import Store
from phrasebook.store import reports as q

STATUSES = ("not_started", "in_progress", "completed", "overdue")
UNASSIGNED = "unassigned"
BUCKETS = 10  # completion distribution in steps of 10 %


@dataclass(frozen=True)
class TraineeRow:
    person_id: int
    staff_no: str
    name: str
    department: str
    counter: str
    cohorts: tuple[str, ...]
    total: int
    introduced: int
    mastered: int
    reviews: int
    minutes: float
    last_active: datetime | None
    due_on: date | None  # the earliest due date among unfinished assignments (else the last one)
    status: str
    on_track: bool
    needed_per_day: int
    predicted_recall: float | None  # None without assignments
    leeches: int

    @property
    def pct_introduced(self) -> float:
        return self.introduced / self.total if self.total else 0.0

    @property
    def pct_mastered(self) -> float:
        return self.mastered / self.total if self.total else 0.0


@dataclass(frozen=True)
class CohortRow:
    id: int
    name: str
    trainer: str
    starts_on: date
    ends_on: date
    members: int
    counts: dict[str, int]  # status → trainees

    @property
    def completion(self) -> float:
        return self.counts["completed"] / self.members if self.members else 0.0


@dataclass(frozen=True)
class LeechRow:
    deck_id: str
    title: tuple[str, str]  # zh, en
    lang: str
    leeches: int
    trainees: int  # trainees with at least one leech in this deck+language


@dataclass
class Report:
    today: date
    cohorts: list[CohortRow] = field(default_factory=list)
    trainees: list[TraineeRow] = field(default_factory=list)
    leeches: list[LeechRow] = field(default_factory=list)
    daily: list[tuple[date, int, int]] = field(default_factory=list)  # day, answers, new cards
    distribution: list[tuple[int, int]] = field(default_factory=list)  # lower bound in %, trainees

    def status_counts(self) -> dict[str, int]:
        found = Counter(r.status for r in self.trainees)
        return {s: found.get(s, 0) for s in (*STATUSES, UNASSIGNED)}


@dataclass(frozen=True, slots=True)
class _Plan:
    """One assignment of one trainee with its card figures (internal to the report)."""

    deck_id: str
    lang: str
    due: date
    start: date
    target: float
    total: int
    introduced: int
    leeches: int
    mastered: int
    recall: float
    introduced_today: int

    @property
    def completed(self) -> bool:
        return pacing.completed(self.total, self.mastered, self.target)


def _status(plans: list[_Plan], today: date, introduced: int) -> str:
    if not plans:
        return UNASSIGNED
    done = [p.completed for p in plans]
    if all(done):
        return "completed"
    if any(not ok and today > p.due for p, ok in zip(plans, done, strict=True)):
        return "overdue"
    return "in_progress" if introduced else "not_started"


def _trainee(person, plans: list[_Plan], act, today: date) -> TraineeRow:
    base = StudySettings.from_json(person["settings"]).new_per_day
    total = sum(p.total for p in plans)
    introduced = sum(p.introduced for p in plans)
    tracks, needed, open_due = [], 0, []
    for p in plans:
        remaining, completed = pacing.remaining(p.total, p.introduced, p.introduced_today), p.completed
        tracks.append(pacing.on_track(remaining=remaining, completed=completed, today=today, start=p.start,
                                      due_on=p.due, base=base))
        needed += pacing.share_today(remaining=remaining, done=completed, today=today, start=p.start, due_on=p.due)
        if not completed:
            open_due.append(p.due)
    dues = open_due or [p.due for p in plans]
    return TraineeRow(
        person_id=person["id"], staff_no=person["staff_no"], name=person["name"], department=person["department"],
        counter=person["counter"], cohorts=tuple(person["cohorts"].split("\t")) if person["cohorts"] else (),
        total=total, introduced=introduced, mastered=sum(p.mastered for p in plans),
        reviews=act["reviews"] if act else 0, minutes=round((act["duration_ms"] if act else 0) / 60000, 1),
        last_active=parse(act["last_at"]) if act else None, due_on=min(dues) if dues else None,
        status=_status(plans, today, introduced), on_track=all(tracks), needed_per_day=needed,
        predicted_recall=(sum(p.recall for p in plans) / total if total else 0.0) if plans else None,
        leeches=sum(p.leeches for p in plans),
    )


def build_report(store: Store, *, now: datetime, cohort: Cohort | None = None, department: str | None = None,
                 status: str | None = None, visible: set[int] | None = None, days: int = 60,
                 scheduler: Scheduler | None = None) -> Report:
    """Every figure for the trainees in scope. `visible` (from auth.visible_people) limits what a viewer sees;
    `status` filters the trainee list only (cohort counts always show every status).

    Cards are read twice at most: one pass judging every introduced card *now* (right for assignments whose
    due date has passed), and one over the assignments still ahead, judged on their due dates."""
    today = study_day(now)
    decay, factor = (scheduler or Scheduler()).forgetting_curve()
    scope = {"cohort_id": cohort.id if cohort else None, "department": department or None}
    people = [p for p in q.trainees(store, **scope) if visible is None or p["id"] in visible]
    plans = q.plans(store, **scope)
    days_of = {text: date.fromisoformat(text) for text in {r["due_on"] for r in plans} | {r["start"] for r in plans}}
    ahead = {}
    for due_on in {r["due_on"] for r in plans}:
        moment = evaluation_moment(days_of[due_on], now)
        if moment > now:
            ahead[due_on] = moment_us(moment)
    everyone = cohort is None and not department
    at_now = {(r[0], r[1], r[2]): r for r in q.card_figures(store, **scope, everyone=everyone, at_us=moment_us(now),
                                                              decay=decay, factor=factor)}
    at_due = {(r[0], r[1], r[2]): r for r in q.card_figures_due(store, **scope, moments=ahead, decay=decay,
                                                                  factor=factor)}
    totals = q.totals(store)
    today_new = q.introduced_since(store, **scope, since=iso(day_start(now)))
    by_person: dict[int, list[_Plan]] = defaultdict(list)
    for person_id, deck_id, lang, due_on, target, start in plans:
        key = (person_id, deck_id, lang)
        cards, judged = at_now.get(key), (at_due if due_on in ahead else at_now).get(key)
        by_person[person_id].append(_Plan(
            deck_id=deck_id, lang=lang, due=days_of[due_on], start=days_of[start], target=target,
            total=totals.get((deck_id, lang), 0), introduced=cards[3] if cards else 0,
            leeches=cards[4] if cards else 0, mastered=judged["mastered"] if judged else 0,
            recall=judged["recall"] if judged else 0.0, introduced_today=today_new.get(key, 0)))
    acts = {r["person_id"]: r for r in q.activity(store, **scope)}
    rows = [_trainee(p, by_person.get(p["id"], []), acts.get(p["id"]), today) for p in people]
    report = Report(today=today)
    report.cohorts = _cohorts(store, rows, cohort, visible)
    report.trainees = [r for r in rows if status is None or r.status == status]
    report.leeches = _leeches(store, people, by_person)
    ids = None if visible is None else [p["id"] for p in people]
    since = (today - timedelta(days=days - 1)).isoformat()
    report.daily = [(date.fromisoformat(r["day"]), r["reviews"], r["new_cards"])
                    for r in q.daily_reviews(store, **scope, since=since, person_ids=ids)]
    report.distribution = _distribution(rows)
    return report


def _cohorts(store: Store, rows: list[TraineeRow], cohort: Cohort | None, visible: set[int] | None) -> list[CohortRow]:
    by_id = {r.person_id: r for r in rows}
    members: dict[int, list[int]] = defaultdict(list)
    for cohort_id, person_id in q.cohort_members(store):
        if person_id in by_id:
            members[cohort_id].append(person_id)
    found = []
    for c in q.cohort_list(store, cohort_id=cohort.id if cohort else None):
        if visible is not None and c["trainer_id"] not in visible:
            continue  # a trainer sees their own cohorts, not other trainers'
        ids = members.get(c["id"], [])
        counts = Counter(by_id[i].status for i in ids)
        found.append(CohortRow(id=c["id"], name=c["name"], trainer=c["trainer_name"],
                               starts_on=date.fromisoformat(c["starts_on"]), ends_on=date.fromisoformat(c["ends_on"]),
                               members=len(ids), counts={s: counts.get(s, 0) for s in (*STATUSES, UNASSIGNED)}))
    return found


def _leeches(store: Store, people, by_person: dict[int, list[_Plan]]) -> list[LeechRow]:
    titles = q.deck_titles(store)
    totals: Counter = Counter()
    holders: Counter = Counter()
    for p in people:
        for row in by_person.get(p["id"], []):
            if row.leeches:
                totals[(row.deck_id, row.lang)] += row.leeches
                holders[(row.deck_id, row.lang)] += 1
    return [LeechRow(deck_id=d, title=titles.get(d, (d, d)), lang=lang, leeches=n, trainees=holders[(d, lang)])
            for (d, lang), n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]


def _distribution(rows: list[TraineeRow]) -> list[tuple[int, int]]:
    """Trainees by % mastered in buckets 0–9 %, 10–19 % … 90–100 %."""
    found = Counter(min(int(r.pct_mastered * BUCKETS), BUCKETS - 1) for r in rows if r.status != UNASSIGNED)
    return [(b * 100 // BUCKETS, found.get(b, 0)) for b in range(BUCKETS)]
