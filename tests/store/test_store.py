from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drillcli.errors import DrillError
from drillcli.store.db import connect
from drillcli.store.migrations import MIGRATIONS, applied, migrate
from drillcli.store.models import Attempt, CardState
from drillcli.store.repo import Store

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def a_state(card_id: str = "c", due: datetime = NOW) -> CardState:
    return CardState(card_id, "learning", 0, 2.3, 5.0, due, NOW, 1, 0)


def test_blank_database_gets_every_migration_once(tmp_path: Path) -> None:
    db = connect(tmp_path / "d.db")
    assert applied(db) == [name for name, _ in MIGRATIONS]
    assert migrate(db) == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upgrade_from_the_first_schema_keeps_history(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, upto="001_initial") == ["001_initial"]
    db.execute("INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, state_after) "
               "VALUES ('c', 3, 1.0, 10, NULL, ?)", (a_state().to_json(),))
    db.close()
    store = Store.open(path)
    assert store.review_count() == 1
    assert [r.card_id for r in store.reviews_since(datetime(1970, 1, 1, tzinfo=timezone.utc))] == ["c"]
    assert store.attempts() == []  # the table from the second migration exists


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = connect(path)
    db.execute("INSERT INTO _migrations VALUES ('999_future', 'x')")
    db.close()
    with pytest.raises(DrillError, match="newer drillcli"):
        connect(path)


def test_a_corrupt_database_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DrillError, match="damaged"):
        connect(path)


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import drillcli.store.migrations as m

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(m, "MIGRATIONS", [*m.MIGRATIONS, ("003_broken", broken)])
    with pytest.raises(RuntimeError):
        connect(tmp_path / "d.db")
    db = sqlite3.connect(tmp_path / "d.db")
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0


def test_review_then_undo_restores_previous_state(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.db")
    sid = store.start_session("cards", NOW)
    first = a_state(due=NOW + timedelta(minutes=10))
    store.record_review(rating=3, reviewed_at=NOW, duration_ms=5, before=None, after=first, session_id=sid)
    second = a_state(due=NOW + timedelta(days=3))
    store.record_review(rating=4, reviewed_at=NOW, duration_ms=5, before=first, after=second, session_id=sid)
    assert store.card_state("c") == second
    undone = store.undo_last_review(sid)
    assert undone is not None and undone.rating == 4
    assert store.card_state("c") == first
    store.undo_last_review(sid)
    assert store.card_state("c") is None and store.review_count() == 0
    assert store.undo_last_review(sid) is None


def test_attempts_round_trip(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.db")
    attempt = Attempt("softmax", NOW, NOW, "accepted", 5, 5, "cpu", 12.5, 1.4, True, 10.0, "x.py")
    store.record_attempt(attempt)
    [back] = store.attempts()
    assert back.challenge_id == "softmax" and back.timed and back.runtime_ratio == 1.4 and back.id == 1
