"""Per-answer cost: fetch the next card + FSRS + commit, on a real SQLite file with 1,000 and 100,000 cards.

Run: python bench/answer_path.py   (prints mean / p50 / p99 in milliseconds)
Targets (issue 2): ≤ 0.35 ms at 1,000 cards, ≤ 1.5 ms at 100,000 cards.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from phrasebook.clock import iso
from phrasebook.people import MAX_NEW_PER_DAY, MAX_REVIEWS_PER_DAY, StudySettings, create_person
from phrasebook.session import DrillSession, prepare
from phrasebook.store import cards as cards_q
from phrasebook.store import (
    content,
    open_store,
)

LANGS = ("en", "ja", "ko", "ru")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def build(path: Path, n_cards: int, seed: int = 7):
    """A trainee with n_cards cards: 80% in review (a quarter of them due), 5% learning, 15% new."""
    rng = random.Random(seed)
    store = open_store(path)
    n_phrases = n_cards // len(LANGS)
    per_deck = 500
    with store.write() as conn:
        content.save_scenarios(conn, {"greeting": {"zh": "问候", "en": "Greeting"}})
        for d in range(0, n_phrases, per_deck):
            rows = [content.PhraseRow(f"p{i}", "greeting", "clerk" if i % 3 else "applicant", f"句子{i}", "jù zi",
                                      None, {lang: (f"phrase {i} {lang}", None, ()) for lang in LANGS})
                    for i in range(d, min(d + per_deck, n_phrases))]
            deck = {"id": f"d{d // per_deck}", "version": 1, "title_zh": "测试", "title_en": "Test",
                    "languages": list(LANGS), "source": "bench", "digest": "x"}
            content.save_deck(conn, deck=deck, position=d // per_deck, phrases=rows, now=iso(NOW))
    person = create_person(store, name="基准", staff_no="BENCH",
                           settings=StudySettings(languages=LANGS, new_per_day=MAX_NEW_PER_DAY,
                                                  reviews_per_day=MAX_REVIEWS_PER_DAY))
    prepare(store, person)
    states = []
    for card_id in cards_q.card_ids(store, person.id):
        roll = rng.random()
        if roll < 0.80:
            due = NOW + timedelta(days=rng.uniform(-10, 30))
            states.append(card_state(card_id, 2, None, rng.uniform(1, 60), rng.uniform(2, 8), iso(due),
                                     iso(due - timedelta(days=5)), rng.randint(2, 9)))
        elif roll < 0.85:
            due = NOW + timedelta(minutes=rng.uniform(-30, 30))
            states.append(card_state(card_id, 1, 1, 2.3, 5.0, iso(due), iso(NOW - timedelta(minutes=10)), 1))
    with store.write() as conn:
        cards_q.set_card_states(conn, states)
    return store, person


def card_state(card_id, state, step, stability, difficulty, due, last_review, reps) -> dict:
    return {"id": card_id, "state": state, "step": step, "stability": stability, "difficulty": difficulty,
            "due": due, "last_review": last_review, "reps": reps, "lapses": 0, "leech": 0}


def measure(n_cards: int, answers: int = 3000) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        store, person = build(Path(tmp) / "bench.db", n_cards)
        store.start_checkpointer()  # as the app does: WAL checkpoints in the background, not inside answers
        clock_now = [NOW]
        session = DrillSession(store, person, clock=lambda: clock_now[0])
        rng = random.Random(1)
        costs = []
        prompt = session.next()
        for _ in range(answers):
            if prompt is None:
                break
            t0 = time.perf_counter()
            session.answer(prompt, rng.choice((1, 3, 3, 3, 4)))
            prompt = session.next()
            costs.append((time.perf_counter() - t0) * 1000)
            clock_now[0] += timedelta(seconds=2)
        store.close()
        return costs


def main() -> None:
    print(f"{'cards':>8} {'answers':>8} {'mean ms':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for n in (1_000, 100_000):
        costs = measure(n)
        costs.sort()
        p99 = costs[int(len(costs) * 0.99)]
        print(f"{n:>8} {len(costs):>8} {statistics.mean(costs):>8.3f} {statistics.median(costs):>8.3f} {p99:>8.3f}")


if __name__ == "__main__":
    main()
