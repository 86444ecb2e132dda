"""Synthetic but realistic programme data for demos and benchmarks: a coordinator, trainers, cohorts (期) of
clerks from several service-hall departments, assignments with due dates, and review histories.

Histories are simulated day by day through the real scheduler and the real pacing rules: each clerk has a
diligence (some never start, some lapse, most keep up) and an ability; recall follows FSRS retrievability;
a few phrases are hard for everyone (leech material). Answers are written in bulk, one transaction per clerk,
into the same tables the drill writes, so `phrasebook doctor` agrees with every card. Deterministic for a
given seed, end date and time zone.
"""

from __future__ import annotations

import heapq
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from phrasebook import pacing
from phrasebook.auth import hash_secret
from phrasebook.clock import iso, study_day
from phrasebook.errors import PhrasebookError
from phrasebook.pinyin import name_key
from phrasebook.scheduler import AGAIN, EASY, GOOD, HARD, NEW, REVIEW, CardState, Scheduler
from phrasebook.store import Store, bulk
from phrasebook.store import assignments as assign_q
from phrasebook.store import cards as cards_q
from phrasebook.store import cohorts as cohort_q
from phrasebook.store import people as people_q

DEMO_PIN = "123456"  # everyone's PIN in demo data (printed by the CLI): demo clerks have studied, so have PINs
DEPARTMENTS = ("出入境管理窗口", "市场监管窗口", "人社服务窗口", "税务窗口", "公安户政窗口", "外事服务窗口",
               "综合受理窗口", "公积金窗口")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉婷雪琳晨宇浩然欣怡子涵思远佳琪梓萱俊杰"
PROGRAMME_DAYS = 210  # seven months of cohorts before the end date
COHORT_DAYS = 42
COHORT_SIZE = 40
LAST_COHORT_AGE = 21
LEARN_AHEAD = timedelta(minutes=20)


@dataclass
class DemoResult:
    trainees: int = 0
    trainers: int = 0
    cohorts: int = 0
    assignments: int = 0
    cards: int = 0
    reviews: int = 0
    staff_numbers: dict[str, str] = field(default_factory=dict)  # role → an example staff number


@dataclass
class _Clerk:
    person_id: int
    rng: random.Random
    diligence: float  # chance of studying on a given day
    ability: float
    delay: int  # days before they first open the app
    budget: int


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _named(name: str) -> dict[str, str]:
    """A person's name with its sort key, as the store writes them."""
    return {"name": name, "name_key": name_key(name)}


def _profile(rng: random.Random) -> tuple[float, float, int]:
    """(diligence, ability, start delay): 6 % never start, 18 % lapse, 50 % steady, 26 % keen."""
    roll = rng.random()
    if roll < 0.06:
        return 0.0, 1.0, 0
    if roll < 0.24:
        return rng.uniform(0.15, 0.4), rng.uniform(0.8, 0.95), rng.randint(3, 20)
    if roll < 0.74:
        return rng.uniform(0.65, 0.85), rng.uniform(0.9, 1.02), rng.randint(0, 4)
    return rng.uniform(0.88, 0.98), rng.uniform(0.97, 1.05), rng.randint(0, 1)


def generate(store: Store, *, trainees: int, reviews: int, seed: int, until: datetime,
             scheduler: Scheduler | None = None, progress=None) -> DemoResult:
    """Fill an empty database (decks already imported) with `trainees` clerks and about `reviews` answers
    ending at `until`. `progress(done, total)` is called after each clerk."""
    if trainees < 1 or reviews < 0:
        raise PhrasebookError("demo.err.counts")
    conn = store.conn
    if bulk.count_people(conn):
        raise PhrasebookError("demo.err.not_empty", path=store.path)
    decks = [(d["id"], json.loads(d["languages"])) for d in bulk.live_decks(conn)]
    if not decks:
        raise PhrasebookError("demo.err.no_decks")
    scheduler = scheduler or Scheduler()
    rng = random.Random(seed)
    end_day = study_day(until)
    result = DemoResult()
    n_cohorts = max(1, round(trainees / COHORT_SIZE))
    # Cohorts start evenly over seven months; the last one started three weeks ago and is still running.
    first_start = end_day - timedelta(days=PROGRAMME_DAYS if n_cohorts > 1 else LAST_COHORT_AGE)
    stagger = (PROGRAMME_DAYS - LAST_COHORT_AGE) / (n_cohorts - 1) if n_cohorts > 1 else 0
    secret = hash_secret(DEMO_PIN)
    name_key("王")  # loads pypinyin now rather than while holding the write lock
    cohorts = []
    with store.write() as w:
        people_q.insert_person(w, staff_no="K0001", **_named(_name(rng)), department="培训办公室", counter="",
                               role="coordinator", settings={},
                               created_at=iso(until - timedelta(days=PROGRAMME_DAYS + 7)), secret=secret)
        trainers = [people_q.insert_person(w, staff_no=f"T{i + 1:03d}", **_named(_name(rng)), department="培训办公室",
                                           counter="", role="trainer", settings={},
                                           created_at=iso(until - timedelta(days=PROGRAMME_DAYS + 7)), secret=secret)
                    for i in range(ceil(n_cohorts / 3))]
        for k in range(n_cohorts):
            starts = first_start + timedelta(days=round(k * stagger))
            ends = starts + timedelta(days=COHORT_DAYS)
            created = datetime.combine(starts - timedelta(days=3), time(9)).astimezone(UTC)
            cohort_id = cohort_q.insert_cohort(w, name=f"第{k + 1}期", starts_on=starts.isoformat(),
                                               ends_on=ends.isoformat(), trainer_id=trainers[k % len(trainers)],
                                               created_at=iso(created))
            pairs = [(d, "en") for d, langs in decks if "en" in langs] or [(d, langs[0]) for d, langs in decks]
            for deck_id, lang in pairs:
                assign_q.upsert(w, cohort_id=cohort_id, person_id=None, deck_id=deck_id, lang=lang,
                                due_on=ends.isoformat(), target=0.9, assigned_by=trainers[k % len(trainers)],
                                created_at=iso(created))
            cohorts.append((cohort_id, starts, ends, pairs))
            result.assignments += len(pairs)
    result.trainers, result.cohorts = len(trainers), n_cohorts
    result.staff_numbers = {"coordinator": "K0001", "trainer": "T001", "trainee": "D0001"}

    clerks = []
    with store.write() as w:
        for i in range(trainees):
            cohort_id, starts, ends, pairs = cohorts[i % n_cohorts]
            crng = random.Random(f"{seed}:{i}")
            langs = sorted({lang for _d, lang in pairs}, key=lambda x: (x != "en", x))
            extra = _extra_language(crng, decks, langs)
            pid = people_q.insert_person(
                w, staff_no=f"D{i + 1:04d}", **_named(_name(crng)), department=crng.choice(DEPARTMENTS),
                counter=f"{crng.randint(1, 40)}号", role="trainee",
                settings={"languages": langs, "new_per_day": 20, "reviews_per_day": 200},
                created_at=iso(datetime.combine(starts - timedelta(days=3), time(9)).astimezone(UTC)), secret=secret)
            cohort_q.enrol(w, cohort_id, pid, iso(datetime.combine(starts, time(9)).astimezone(UTC)))
            for deck_id, lang in extra:  # a few clerks at the busiest counters also get a second language
                assign_q.upsert(w, cohort_id=None, person_id=pid, deck_id=deck_id, lang=lang, due_on=ends.isoformat(),
                                target=0.8, assigned_by=None, created_at=iso(datetime.combine(starts, time(9))
                                                                               .astimezone(UTC)))
                result.assignments += 1
            result.cards += assign_q.ensure_assigned_cards(w, pid)
            diligence, ability, delay = _profile(crng)
            clerks.append(_Clerk(pid, crng, diligence, ability, delay, 0))
    weights = [c.diligence for c in clerks]
    total_weight = sum(weights) or 1.0
    for clerk in clerks:
        clerk.budget = int(reviews * clerk.diligence / total_weight)
    spare = reviews - sum(c.budget for c in clerks)
    for clerk in sorted(clerks, key=lambda c: -c.diligence)[:spare]:
        clerk.budget += 1
    carry = 0  # answers a clerk could not give (they ran out of cards or days) go to the next one
    for done, clerk in enumerate(clerks, start=1):
        cohort_id, starts, ends, _pairs = cohorts[(done - 1) % n_cohorts]
        if clerk.diligence > 0:
            clerk.budget += carry
        given = _simulate(store, clerk, starts, ends, until, scheduler, seed)
        carry = clerk.budget - given if clerk.diligence > 0 else carry
        result.reviews += given
        if progress:
            progress(done, len(clerks))
    result.trainees = len(clerks)
    return result


def _extra_language(rng: random.Random, decks: list[tuple[str, list[str]]], have: list[str]) -> list[tuple[str, str]]:
    """One clerk in ten also learns Japanese, Korean or Russian for the first fifth of the decks."""
    if rng.random() >= 0.1:
        return []
    lang = rng.choice(("ja", "ko", "ru"))
    return [(d, lang) for d, langs in decks[: max(1, len(decks) // 5)] if lang in langs and lang not in have]


def _rating(rng: random.Random, p_recall: float) -> int:
    if rng.random() >= p_recall:
        return AGAIN
    roll = rng.random()
    return HARD if roll < 0.12 else EASY if roll > 0.86 else GOOD


def _simulate(store: Store, clerk: _Clerk, starts: date, ends: date, until: datetime, scheduler: Scheduler,
              seed: int) -> int:
    """Play one clerk's days from the cohort's start to `until`; write their answers, sessions and cards."""
    if clerk.budget <= 0 or clerk.diligence <= 0:
        return 0
    rng = clerk.rng
    decay, factor = scheduler.forgetting_curve()
    cards = bulk.person_cards(store.conn, clerk.person_id)
    fresh = [c["id"] for c in cards]  # new cards in deck order
    is_hard = {c["id"] for c in cards if (c["phrase_pk"] * 2654435761 + seed) % 100 < 6}  # same phrases for all
    state: dict[int, CardState] = {}
    queue: list[tuple[datetime, int]] = []  # (due, card id) of every studied card
    sessions: list[tuple[str, str, list[tuple]]] = []
    budget = clerk.budget
    day = starts + timedelta(days=clerk.delay)
    end_day = study_day(until)
    while day <= end_day and budget > 0:
        if rng.random() < clerk.diligence:
            t = datetime.combine(day, time(9, rng.randint(0, 59))).astimezone(UTC)
            t += timedelta(hours=rng.choice((0, 0, 1, 2, 5, 6, 7)))
            if t >= until:
                break
            started, answers = t, []
            allowance = pacing.daily_allowance(20, [pacing.needed_per_day(len(fresh), day, starts, ends)])
            new_today = 0
            while budget > 0 and t < until:
                if queue and queue[0][0] <= t:
                    _due, card_id = heapq.heappop(queue)
                elif fresh and new_today < allowance:
                    card_id, new_today = fresh.pop(0), new_today + 1
                elif queue and queue[0][0] <= t + LEARN_AHEAD and state[queue[0][1]].state != REVIEW:
                    t = max(t, queue[0][0])
                    continue
                else:
                    break
                before = state.get(card_id, CardState())
                if before.state == NEW:
                    p = 0.75
                elif before.state == REVIEW:
                    p = (1 + factor * max(0, (t - before.last_review).days) / before.stability) ** decay
                else:
                    p = 0.85
                p = min(0.99, p * clerk.ability * (0.7 if card_id in is_hard else 1.0))
                rating = _rating(rng, p)
                after = scheduler.review(card_id, before, rating, t)
                state[card_id] = after
                heapq.heappush(queue, (after.due, card_id))
                ms = rng.randint(6000, 20000) if before.state == NEW else rng.randint(2500, 12000)
                answers.append((card_id, clerk.person_id, rating, iso(t), ms, before.state))
                budget -= 1
                t += timedelta(milliseconds=ms + rng.randint(500, 3000))
            if answers:
                sessions.append((iso(started), iso(t), answers))
        day += timedelta(days=1)
    with store.write() as conn:
        for started_at, ended_at, answers in sessions:
            session_id = bulk.insert_session(conn, clerk.person_id, started_at, ended_at)
            bulk.insert_reviews(conn, ((c, p, session_id, r, at, ms, sb) for c, p, r, at, ms, sb in answers))
        cards_q.set_card_states(conn, ({**s.to_dict(), "id": cid} for cid, s in state.items()))
    return sum(len(a) for _s, _e, a in sessions)
