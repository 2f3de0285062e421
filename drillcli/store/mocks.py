"""Every SQL statement of mock interviews. A mock is written as it runs: its planned questions when it starts,
each answer as it is given, its score when it ends; so a mock stopped halfway keeps what was answered."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drillcli.store.db import guarded_query
from drillcli.store.models import from_ts, to_ts
from drillcli.store.tx import transaction

AREAS = ("explain", "numeric", "coding")
_MOCK_COLUMNS = ("id, started_at, finished_at, minutes, topic, seed, status, score, explain_score, numeric_score,"
                 " coding_score")


@dataclass(frozen=True)
class MockItemRow:
    position: int
    area: str
    item_id: str
    status: str
    detail: dict[str, Any] = field(default_factory=dict)  # how the answer went (the fields of its area)


@dataclass(frozen=True)
class MockRow:
    id: int
    started_at: datetime
    finished_at: datetime | None  # None: still running, or the process died before it could finish
    minutes: float
    topic: str | None
    seed: int
    status: str
    score: float | None
    area_scores: dict[str, float | None]  # explain, numeric, coding (None: not planned)


@guarded_query
def start_mock(db: sqlite3.Connection, *, started_at: datetime, minutes: float, topic: str | None, seed: int,
               status: str, items: Sequence[MockItemRow]) -> int:
    """The mock and its planned questions, in one transaction; its id."""
    with transaction(db):
        cur = db.execute("INSERT INTO mock (started_at, minutes, topic, seed, status) VALUES (?, ?, ?, ?, ?)",
                         (to_ts(started_at), minutes, topic, seed, status))
        mock_id = int(cur.lastrowid or 0)
        db.executemany("INSERT INTO mock_item (mock_id, position, area, item_id, status, detail)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       [(mock_id, i.position, i.area, i.item_id, i.status, json.dumps(i.detail)) for i in items])
    return mock_id


@guarded_query
def save_item(db: sqlite3.Connection, mock_id: int, item: MockItemRow) -> None:
    """One answer, committed before returning."""
    with transaction(db):
        db.execute("UPDATE mock_item SET status = ?, detail = ? WHERE mock_id = ? AND position = ?",
                   (item.status, json.dumps(item.detail), mock_id, item.position))


@guarded_query
def finish_mock(db: sqlite3.Connection, mock_id: int, *, finished_at: datetime, status: str, score: float,
                area_scores: dict[str, float]) -> None:
    with transaction(db):
        db.execute("UPDATE mock SET finished_at = ?, status = ?, score = ?, explain_score = ?, numeric_score = ?,"
                   " coding_score = ? WHERE id = ?",
                   (to_ts(finished_at), status, score, *(area_scores.get(a) for a in AREAS), mock_id))


@guarded_query
def mocks(db: sqlite3.Connection) -> list[MockRow]:
    """Every mock, oldest first."""
    rows = db.execute(f"SELECT {_MOCK_COLUMNS} FROM mock ORDER BY started_at, id").fetchall()
    return [_mock_from_row(row) for row in rows]


@guarded_query
def mock_items(db: sqlite3.Connection, mock_id: int) -> list[MockItemRow]:
    rows = db.execute("SELECT position, area, item_id, status, detail FROM mock_item WHERE mock_id = ?"
                      " ORDER BY position", (mock_id,)).fetchall()
    return [MockItemRow(position, area, item_id, status, json.loads(detail))
            for position, area, item_id, status, detail in rows]


def _mock_from_row(row: tuple[Any, ...]) -> MockRow:
    mock_id, started, finished, minutes, topic, seed, status, score, *areas = row
    return MockRow(id=mock_id, started_at=from_ts(started), finished_at=from_ts(finished) if finished else None,
                   minutes=minutes, topic=topic, seed=seed, status=status, score=score,
                   area_scores=dict(zip(AREAS, areas)))
