"""Exams (考核): a trainer sets a paper for a cohort; its trainees sit it within an open window, timed.

A definition names the cohort, the decks and/or scenarios, the languages, how many items, the modes, the time
limit, the pass mark, when it opens and closes, and how many attempts each trainee has (default one). Only modes
a machine can score are allowed: typed (English and Russian only — Japanese and Korean go through an IME, which
terminals handle badly), multiple choice and listening (any language). Self-grading is not an exam.

**The paper is drawn once, when the exam is defined, the same for the whole cohort** (seeded by the exam's own
`seed`, stored with it, so `draw_items` reproduces it): everyone answers the same items, which is what makes
per-item difficulty and a cohort's scores comparable. Each item keeps a copy of its question, options and right
answer, so a later deck edit never changes a paper already set. Each attempt shows the items, and each item's
options, in its own seeded order (`exam_sitting`), so neighbours do not see the same screen.

Who may do what: the cohort's trainer or a coordinator defines, edits (until someone has started) and deletes
its exams and reads its results; a trainee sees the exams of the cohorts they are enrolled in, and only their
own results. `by=None` is the administrator's CLI, which has no login (see `auth`).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from phrasebook import auth
from phrasebook.choices import Candidate, build
from phrasebook.clock import iso, parse
from phrasebook.cohorts import Cohort
from phrasebook.decks import LANGUAGES
from phrasebook.errors import PhrasebookError
from phrasebook.i18n import t
from phrasebook.modes import CHOICE, LISTENING, TYPED, TYPED_BY_DEFAULT, available
from phrasebook.people import Person, clean_text
from phrasebook.store import Store
from phrasebook.store import content as content_q
from phrasebook.store import exams as q
from phrasebook.store import practice as pq

EXAM_MODES = (TYPED, CHOICE, LISTENING)  # all scored by the machine; self-grading is not an exam
TYPED_LANGS = TYPED_BY_DEFAULT           # typed answers only where no IME is needed
MAX_TITLE, MAX_ITEMS, MAX_MINUTES, MAX_ATTEMPTS = 60, 100, 240, 10
DEFAULT_PASS = 0.6


@dataclass(frozen=True)
class Exam:
    id: int
    title: str
    cohort_id: int
    cohort_name: str
    trainer_id: int       # the cohort's trainer: auth.can_manage_cohort applies to an exam as to its cohort
    decks: tuple[str, ...]
    scenarios: tuple[str, ...]
    langs: tuple[str, ...]
    modes: tuple[str, ...]
    item_count: int
    minutes: int
    pass_mark: float      # share of the points, 0–1
    opens_at: datetime
    closes_at: datetime
    attempts_allowed: int
    seed: str
    created_at: datetime

    def time_for(self, now: datetime) -> timedelta:
        """The time an attempt started now really has: the limit, cut short by the closing time."""
        return max(timedelta(0), min(timedelta(minutes=self.minutes), self.closes_at - now))

    def state(self, now: datetime) -> str:
        """upcoming | open | closed."""
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


def exam_from_row(row) -> Exam:
    return Exam(id=row["id"], title=row["title"], cohort_id=row["cohort_id"], cohort_name=row["cohort_name"],
                trainer_id=row["trainer_id"], decks=tuple(json.loads(row["decks"])),
                scenarios=tuple(json.loads(row["scenarios"])), langs=tuple(json.loads(row["languages"])),
                modes=tuple(json.loads(row["modes"])), item_count=row["item_count"], minutes=row["time_limit_min"],
                pass_mark=row["pass_mark"], opens_at=parse(row["opens_at"]), closes_at=parse(row["closes_at"]),
                attempts_allowed=row["attempts_allowed"], seed=row["seed"], created_at=parse(row["created_at"]))


# -- reading what people type ------------------------------------------------------------------------------
MOMENT = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                    r"(?:\s*[T\s]\s*(\d{1,2})\s*[:：时]\s*(\d{2})\s*分?)?\s*")


def parse_moment(value: object, field: str, *, end_of_day: bool = False) -> datetime:
    """A local date and time as typed — 2026-12-01 09:00, 2026/12/1 9:00, 2026年12月1日 9:00, 2026-12-01T09:00 —
    as aware UTC. A date alone is the start of that day (or, for a closing time, 23:59 that day)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.astimezone()).astimezone(UTC)
    found = MOMENT.fullmatch(str(value or ""))
    if not found:
        raise PhrasebookError("exam.err.moment", field=t_field(field), value=value)
    y, m, d, hh, mm = found.groups()
    try:
        day = date(int(y), int(m), int(d))
        if hh is None:
            local = datetime.combine(day, time(23, 59) if end_of_day else time())
        else:
            local = datetime.combine(day, time(int(hh), int(mm)))
    except ValueError:
        raise PhrasebookError("exam.err.moment", field=t_field(field), value=value) from None
    return local.astimezone().astimezone(UTC)


def t_field(field: str) -> str:
    """A field's name in the UI language, for the error that names it."""
    return t(f"exam.field.{field}")


def _whole(value: object, field: str, low: int, high: int) -> int:
    text = clean_text(value)
    if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
        raise PhrasebookError("exam.err.number", field=t_field(field), value=value, low=low, high=high)
    return int(text)


def parse_pass_mark(value: object) -> float:
    """60, "60%", 0.6 → 0.6 (the same rule as assignment targets)."""
    from phrasebook.assignments import parse_share

    return parse_share(value, "exam.err.pass_mark")


def _codes(values: Sequence[str] | str) -> list[str]:
    """A list, or one text of codes separated by spaces or commas."""
    if isinstance(values, str):
        values = re.split(r"[\s,，、]+", values)
    return list(dict.fromkeys(clean_text(v) for v in values if clean_text(v)))


# -- drawing the paper ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolEntry:
    """A phrase in one language that an item can be made of."""

    pk: int
    deck_id: str
    phrase_id: str
    scenario: str
    speaker: str
    zh: str
    pinyin: str
    lang: str
    text: str
    romanization: str | None
    alternatives: tuple[str, ...]

    @property
    def direction(self) -> str:
        """As the trainee's card: clerk lines are produced, applicant lines recognised."""
        return "produce" if self.speaker == "clerk" else "recognise"


def item_modes(direction: str, lang: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """The exam modes that fit a card: the drill's for its direction (`modes.available`) that a machine scores,
    typed only in en/ru — produce → typed or choice; recognise → listening or choice."""
    return tuple(m for m in available(direction)
                 if m in EXAM_MODES and m in allowed and (m != TYPED or lang in TYPED_LANGS))


def draw_items(pool: Sequence[PoolEntry], *, modes: Sequence[str], count: int, seed: str,
               options_from: Callable[[str, str], list[Candidate]]) -> list[dict]:
    """`count` items from `pool`, the same for the same seed: languages take turns (an English + Russian exam
    has as many of each as can be), each item's mode is drawn among those that fit it, and choice/listening
    options come from `choices.build` (same speaker, same scenario, similar length), seeded per item.
    `options_from(lang, side)` gives the phrases options may be drawn from (side "text": foreign phrases; "zh":
    Chinese meanings)."""
    rng = random.Random(f"exam-draw|{seed}")
    by_lang: dict[str, list[PoolEntry]] = {}
    for entry in pool:
        if item_modes(entry.direction, entry.lang, modes):
            by_lang.setdefault(entry.lang, []).append(entry)
    for entries in by_lang.values():
        rng.shuffle(entries)
    picked: list[PoolEntry] = []
    while len(picked) < count and any(by_lang.values()):
        for lang in sorted(by_lang):
            if by_lang[lang] and len(picked) < count:
                picked.append(by_lang[lang].pop())
    rng.shuffle(picked)
    chosen = [rng.choice(item_modes(e.direction, e.lang, modes)) for e in picked]
    # A typed item's answer must not turn up as an option of another item: that would give it away.
    typed_keys = {(e.lang, f"{e.deck_id}/{e.phrase_id}") for e, mode in zip(picked, chosen, strict=True)
                  if mode == TYPED}
    items = []
    for position, (e, mode) in enumerate(zip(picked, chosen, strict=True)):
        key = f"{e.deck_id}/{e.phrase_id}"
        item = {"position": position, "phrase_pk": e.pk, "lang": e.lang, "direction": e.direction, "mode": mode,
                "options": "[]", "alternatives": "[]", "correct": None}
        if e.direction == "produce":
            item |= {"prompt": e.zh, "prompt_aid": e.pinyin, "answer": e.text}
        else:
            item |= {"prompt": e.text, "prompt_aid": e.romanization, "answer": e.zh}
        if mode == TYPED:
            item["alternatives"] = json.dumps(list(e.alternatives), ensure_ascii=False)
        else:
            side, lang = ("text", e.lang) if e.direction == "produce" else ("zh", "zh")
            others = [c for c in options_from(e.lang, side) if side == "zh" or (e.lang, c.key) not in typed_keys]
            choice = build(Candidate(key, e.scenario, item["answer"], e.speaker), others, lang=lang,
                           seed=f"{seed}|{position}|{key}|{e.lang}", accepted=e.alternatives if side == "text" else ())
            item |= {"options": json.dumps(list(choice.options), ensure_ascii=False), "correct": choice.correct}
        items.append(item)
    return items


def _pool(store: Store, decks: Sequence[str], scenarios: Sequence[str], langs: Sequence[str]) -> list[PoolEntry]:
    return [PoolEntry(pk=r["pk"], deck_id=r["deck_id"], phrase_id=r["phrase_id"], scenario=r["scenario"],
                      speaker=r["speaker"], zh=r["zh"], pinyin=r["pinyin"], lang=r["lang"], text=r["text"],
                      romanization=r["romanization"], alternatives=tuple(json.loads(r["alternatives"])))
            for r in q.item_pool(store, decks=decks, scenarios=scenarios, langs=langs)]


def _options_from(store: Store) -> Callable[[str, str], list[Candidate]]:
    pools: dict[tuple[str, str], list[Candidate]] = {}

    def options_from(lang: str, side: str) -> list[Candidate]:
        if (lang, side) not in pools:
            pools[(lang, side)] = [Candidate(f"{r['deck_id']}/{r['phrase_id']}", r["scenario"], r[side], r["speaker"])
                                   for r in pq.phrase_pool(store, lang)]
        return pools[(lang, side)]

    return options_from


# -- defining ------------------------------------------------------------------------------------------------
def _definition(store: Store, *, title: object, decks: Sequence[str] | str, scenarios: Sequence[str] | str,
                langs: Sequence[str] | str, modes: Sequence[str] | str, items: object, minutes: object,
                pass_mark: object, opens: object, closes: object, attempts: object,
                now: datetime) -> tuple[dict, list[PoolEntry]]:
    """Check every field (each error names its field) and return the exam's columns and its phrase pool."""
    name = clean_text(title)
    if not name:
        raise PhrasebookError("exam.err.title_empty")
    if len(name) > MAX_TITLE:
        raise PhrasebookError("exam.err.title_long", limit=MAX_TITLE)
    deck_ids, scenario_ids = _codes(decks), _codes(scenarios)
    if not deck_ids and not scenario_ids:
        raise PhrasebookError("exam.err.no_content")
    known_decks = {d["id"] for d in content_q.decks(store)}
    for deck in deck_ids:
        if deck not in known_decks:
            raise PhrasebookError("exam.err.deck", deck=deck)
    known_scenarios = {s["id"] for s in q.scenarios(store)}
    for scenario in scenario_ids:
        if scenario not in known_scenarios:
            raise PhrasebookError("exam.err.scenario", scenario=scenario)
    lang_codes = _codes(langs)
    if not lang_codes:
        raise PhrasebookError("exam.err.no_lang")
    for lang in lang_codes:
        if lang not in LANGUAGES:
            raise PhrasebookError("exam.err.lang", lang=lang, known=" ".join(LANGUAGES))
    mode_names = _codes(modes)
    if not mode_names:
        raise PhrasebookError("exam.err.no_mode")
    for mode in mode_names:
        if mode not in EXAM_MODES:
            raise PhrasebookError("exam.err.mode", mode=mode, known=" ".join(EXAM_MODES))
    for lang in lang_codes:
        if not any(item_modes(d, lang, mode_names) for d in ("produce", "recognise")):
            raise PhrasebookError("exam.err.typed_lang", lang=t(f"lang.{lang}"))
    count = _whole(items, "items", 1, MAX_ITEMS)
    limit = _whole(minutes, "minutes", 1, MAX_MINUTES)
    share = parse_pass_mark(pass_mark)
    opens_at = parse_moment(opens, "opens")
    closes_at = parse_moment(closes, "closes", end_of_day=True)
    if closes_at <= opens_at:
        raise PhrasebookError("exam.err.closes_first")
    if closes_at <= now:
        raise PhrasebookError("exam.err.closes_past")
    tries = _whole(attempts, "attempts", 1, MAX_ATTEMPTS)
    pool = [e for e in _pool(store, deck_ids, scenario_ids, lang_codes)
            if item_modes(e.direction, e.lang, mode_names)]
    if len(pool) < count:
        raise PhrasebookError("exam.err.pool_small", items=count, available=len(pool))
    fields = {"title": name, "decks": json.dumps(deck_ids), "scenarios": json.dumps(scenario_ids),
              "languages": json.dumps(lang_codes), "modes": json.dumps(mode_names), "item_count": count,
              "time_limit_min": limit, "pass_mark": share, "opens_at": iso(opens_at), "closes_at": iso(closes_at),
              "attempts_allowed": tries}
    return fields, pool


def create_exam(store: Store, *, cohort: Cohort, title: object, decks: Sequence[str] | str = (),
                scenarios: Sequence[str] | str = (), langs: Sequence[str] | str, modes: Sequence[str] | str,
                items: object, minutes: object, pass_mark: object = DEFAULT_PASS, opens: object, closes: object,
                attempts: object = 1, now: datetime, by: Person | None = None) -> Exam:
    """Define an exam for a cohort and draw its paper (all or nothing)."""
    if by is not None:
        auth.require(auth.can_manage_cohort(by, cohort))
    fields, pool = _definition(store, title=title, decks=decks, scenarios=scenarios, langs=langs, modes=modes,
                               items=items, minutes=minutes, pass_mark=pass_mark, opens=opens, closes=closes,
                               attempts=attempts, now=now)
    seed = f"{cohort.id}|{fields['title']}|{iso(now)}"
    paper = draw_items(pool, modes=json.loads(fields["modes"]), count=fields["item_count"], seed=seed,
                       options_from=_options_from(store))
    exam_id = q.insert_exam(store, {**fields, "cohort_id": cohort.id, "seed": seed,
                                    "created_by": by.id if by else None, "created_at": iso(now)}, paper)
    return get_exam(store, exam_id)


def edit_exam(store: Store, exam: Exam, *, now: datetime, by: Person | None = None, **changes: object) -> Exam:
    """Change a definition nobody has started yet; the paper is drawn again. Fields not given stay."""
    if by is not None:
        auth.require(auth.can_manage_cohort(by, exam))
    current = {"title": exam.title, "decks": exam.decks, "scenarios": exam.scenarios, "langs": exam.langs,
               "modes": exam.modes, "items": exam.item_count, "minutes": exam.minutes,
               "pass_mark": exam.pass_mark, "opens": exam.opens_at, "closes": exam.closes_at,
               "attempts": exam.attempts_allowed}
    unknown = set(changes) - set(current)
    if unknown:
        raise ValueError(f"unknown exam fields: {sorted(unknown)}")
    fields, pool = _definition(store, **{**current, **changes}, now=now)
    seed = f"{exam.cohort_id}|{fields['title']}|{iso(now)}"
    paper = draw_items(pool, modes=json.loads(fields["modes"]), count=fields["item_count"], seed=seed,
                       options_from=_options_from(store))
    if not q.replace_exam(store, exam.id, {**fields, "seed": seed}, paper):
        raise PhrasebookError("exam.err.started", title=exam.title)
    return get_exam(store, exam.id)


def delete_exam(store: Store, exam: Exam, *, now: datetime, by: Person | None = None, force: bool = False) -> None:
    """Delete an exam; once someone has sat it only with `force` (its results go; the review log stays); never
    while someone is sitting it (their screen would lose the paper under them)."""
    if by is not None:
        auth.require(auth.can_manage_cohort(by, exam))
    status, count = q.delete_exam(store, exam.id, now=iso(now), force=force)
    if status == "running":
        raise PhrasebookError("exam.err.delete_running", title=exam.title, n=count)
    if status == "sat":
        raise PhrasebookError("exam.err.delete_sat", title=exam.title, attempts=count)


# -- finding -------------------------------------------------------------------------------------------------
def get_exam(store: Store, which: int | str) -> Exam:
    """By id (a number, or digits as typed) or by exact title (refused when several exams share it)."""
    text = clean_text(which)
    if isinstance(which, int) or text.isdigit():
        row = q.exam(store, int(text))
        if row is None:
            raise PhrasebookError("exam.err.not_found", exam=which)
        return exam_from_row(row)
    rows = q.exams_titled(store, text)
    if not rows:
        raise PhrasebookError("exam.err.not_found", exam=which)
    if len(rows) > 1:
        raise PhrasebookError("exam.err.ambiguous", exam=which, ids=", ".join(str(r["id"]) for r in rows))
    return exam_from_row(rows[0])


def list_exams(store: Store, viewer: Person | None = None, *, cohort: Cohort | None = None) -> list[Exam]:
    """The exams a viewer deals with: a trainer's cohorts', a trainee's (current cohorts), all for a coordinator
    or the CLI (viewer None); optionally one cohort's."""
    if viewer is not None and viewer.role == "trainee":
        found = [exam_from_row(r) for r in q.exams_of_member(store, viewer.id)]
        return [e for e in found if cohort is None or e.cohort_id == cohort.id]
    if cohort is not None:
        if viewer is not None:
            auth.require(auth.can_manage_cohort(viewer, cohort))
        return [exam_from_row(r) for r in q.exams(store, cohort_ids=[cohort.id])]
    if viewer is None or viewer.role == "coordinator":
        return [exam_from_row(r) for r in q.exams(store)]
    from phrasebook.cohorts import list_cohorts

    return [exam_from_row(r) for r in q.exams(store, cohort_ids=[c.id for c in list_cohorts(store, viewer)])]


def paper(store: Store, exam: Exam, *, by: Person | None = None) -> list:
    """The items with their right answers: for the cohort's trainer, a coordinator, or the CLI."""
    if by is not None:
        auth.require(auth.can_manage_cohort(by, exam))
    return q.items(store, exam.id)


def pool_entries(store: Store, exam: Exam) -> list[PoolEntry]:
    """The phrases the exam's items were drawn from (as they are now): lets a test re-draw the paper."""
    return [e for e in _pool(store, exam.decks, exam.scenarios, exam.langs)
            if item_modes(e.direction, e.lang, exam.modes)]


def options_source(store: Store) -> Callable[[str, str], list[Candidate]]:
    return _options_from(store)
