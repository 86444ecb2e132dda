"""Integrity checks: SQLite's own, the log's own (no answer logged twice under one key, no review of a missing
card), and that every card's stored state equals a replay of its review log — an empty one for a card never
answered, which must be new as made (one made due without a log would be served with no history).

The review log is the source of truth; `rebuild` rewrites card state from it (it cannot mend the log itself),
card by card, each in its own short write transaction that reads the card's log again inside it: clerks can keep
answering during a rebuild, waiting at most for one card, and an answer they commit is never overwritten by a
replay made before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from phrasebook.scheduler import CardState, Scheduler
from phrasebook.session import card_state, replay_log
from phrasebook.store import Store
from phrasebook.store import cards as q


@dataclass
class Report:
    integrity: str = "ok"
    foreign_keys: int = 0
    duplicate_keys: int = 0
    orphan_reviews: int = 0
    cards_checked: int = 0
    mismatched: list[int] = field(default_factory=list)
    repaired: int = 0

    @property
    def ok(self) -> bool:
        return (self.integrity == "ok" and not self.foreign_keys and not self.duplicate_keys
                and not self.orphan_reviews and (not self.mismatched or self.repaired == len(self.mismatched)))


def replayed_state(store: Store, card_id: int, scheduler: Scheduler) -> CardState:
    return replay_log(scheduler, card_id, q.card_log(store, card_id))


def check(store: Store, *, rebuild: bool = False, scheduler: Scheduler | None = None) -> Report:
    scheduler = scheduler or Scheduler()
    report = Report(integrity=store.value("PRAGMA integrity_check"),
                    foreign_keys=len(store.rows("PRAGMA foreign_key_check")),
                    duplicate_keys=q.duplicate_keys(store), orphan_reviews=q.orphan_reviews(store))
    for card_id in q.cards_to_check(store):
        report.cards_checked += 1
        row, log = q.card_and_log(store, card_id)
        if row is None or card_state(row) == replay_log(scheduler, card_id, log):
            continue
        report.mismatched.append(card_id)
        if rebuild:  # the log read again inside the card's own write transaction: answers meanwhile count
            q.rebuild_card(store, card_id, lambda log, i=card_id: replay_log(scheduler, i, log).to_dict())
            report.repaired += 1
    return report
