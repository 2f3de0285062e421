from __future__ import annotations

from datetime import datetime, timedelta, timezone

from drillcli.bank.loader import load_bank
from drillcli.store.models import CardState
from drillcli.study.queue import QueueFilter, build_queue
from tests.conftest import FIXTURE_BANK

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
CARDS = load_bank([FIXTURE_BANK], use_cache=False).cards


def state(card_id: str, due_in: timedelta) -> CardState:
    return CardState(card_id, "review", None, 5.0, 5.0, NOW + due_in, NOW - timedelta(days=5), 3, 0)


def test_due_first_most_overdue_first_then_new_most_asked_first() -> None:
    states = {"fx-recall": state("fx-recall", -timedelta(hours=1)),
              "fx-cloze": state("fx-cloze", -timedelta(days=3)),
              "fx-mcq": state("fx-mcq", timedelta(days=2))}
    q = build_queue(CARDS, states, NOW, QueueFilter(limit=10, new_limit=2))
    assert q.due == ["fx-cloze", "fx-recall"]
    assert q.new[0] == "fx-explain" and len(q.new) == 2
    assert "fx-mcq" not in q.ids


def test_filters_and_limits() -> None:
    assert build_queue(CARDS, {}, NOW, QueueFilter(topic="optimizers", new_limit=9)).ids == ["fx-short"]
    assert build_queue(CARDS, {}, NOW, QueueFilter(most_asked=True, new_limit=9)).ids == ["fx-explain"]
    assert build_queue(CARDS, {}, NOW, QueueFilter(new_limit=0)).ids == []
    assert len(build_queue(CARDS, {}, NOW, QueueFilter(limit=3, new_limit=9)).ids) == 3
