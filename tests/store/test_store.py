from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drillcli.errors import DrillError
from drillcli.store.db import connect
from drillcli.store.migrations import MIGRATIONS, applied, migrate
from drillcli.store.models import Attempt, CardState, UndoStatus
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


def test_undo_restores_the_state_stored_with_the_review_while_it_is_the_latest(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.db")
    first = a_state(due=NOW + timedelta(minutes=10))
    r1 = store.record_review(rating=3, reviewed_at=NOW, duration_ms=5, before=None, after=first, session_id=None)
    second = a_state(due=NOW + timedelta(days=3))
    r2 = store.record_review(rating=4, reviewed_at=NOW, duration_ms=5, before=first, after=second, session_id=None)
    assert store.card_state("c") == second
    stale = store.undo_review(r1)  # not the card's latest: nothing is deleted
    assert stale.status is UndoStatus.SUPERSEDED and store.review_count() == 2 and store.card_state("c") == second
    undone = store.undo_review(r2)
    assert undone.status is UndoStatus.UNDONE and undone.review is not None and undone.review.rating == 4
    assert store.card_state("c") == first
    assert store.undo_review(r1).status is UndoStatus.UNDONE
    assert store.card_state("c") is None and store.review_count() == 0
    assert store.undo_review(r1).status is UndoStatus.GONE


def _damaged_copy(tmp_path: Path, table: str = "review") -> Path:
    """A database with a few hundred pages of history, copied, with a page of `table` in the middle overwritten."""
    path = tmp_path / "good.db"
    store = Store.open(path)
    with store.write():
        for i in range(3000):
            state = a_state(f"card-{i}", NOW + timedelta(days=i % 30))
            store.insert_review(rating=3, reviewed_at=NOW, duration_ms=5, before=state, after=state, session_id=None)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [row[0] for row in store.db.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    store.close()
    assert len(pages) > 20
    data = bytearray(path.read_bytes())
    middle = (pages[len(pages) // 2] - 1) * 4096  # a page of the table, in the middle of the file
    data[middle: middle + 4096] = bytes([0x5A]) * 4096
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(data))
    return bad


def test_a_damaged_page_in_the_middle_is_one_clear_error_wherever_it_is_met(tmp_path: Path) -> None:
    bad = _damaged_copy(tmp_path)
    store = Store.open(bad)  # the header is intact: opening works
    reads = (lambda: store.reviews_since(NOW - timedelta(days=1)), store.review_rows,
             lambda: store.new_cards_since(NOW))
    for read in reads:  # each reads the review table's pages, the damaged one among them
        with pytest.raises(DrillError, match="is damaged"):
            read()


def test_attempts_round_trip(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.db")
    attempt = Attempt("softmax", NOW, NOW, "accepted", 5, 5, "cpu", 12.5, 1.4, True, 10.0, "x.py")
    store.record_attempt(attempt)
    [back] = store.attempts()
    assert back.challenge_id == "softmax" and back.timed and back.runtime_ratio == 1.4 and back.id == 1


def test_drills_opening_a_fresh_database_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    import threading

    errors: list[BaseException] = []

    def open_it(path: Path) -> None:
        try:
            connect(path).close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    for round_ in range(10):  # each round races six connections through the same migrations
        path = tmp_path / f"home{round_}" / "drill.db"
        threads = [threading.Thread(target=open_it, args=(path,)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert applied(connect(path)) == [name for name, _ in MIGRATIONS]
    assert errors == []
