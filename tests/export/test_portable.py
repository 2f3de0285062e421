"""Export and import of a whole history: exact round trip, merge without duplicates, refusals."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drillcli.cli.app import app
from drillcli.errors import DrillError
from drillcli.export.portable import (
    export_document,
    import_document,
    read_document,
    user_tables,
    write_export,
)
from drillcli.store.models import Attempt, CardState
from drillcli.store.repo import Store

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def _state(card_id: str, when: datetime, reps: int, state: str = "review") -> CardState:
    return CardState(card_id=card_id, state=state, step=None, stability=3.5 + reps, difficulty=5.25,
                     due=when + timedelta(days=reps + 1), last_review=when, reps=reps, lapses=0)


def make_history(home: Path, cards: list[str], start: datetime, *, with_attempt: bool = True) -> None:
    """Two reviews per card in one session, and an attempt whose code is kept under attempts/."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("new_per_day = 7\n", encoding="utf-8")
    store = Store.open(home / "drill.db")
    session = store.start_session("cards", start)
    for i, card in enumerate(cards):
        first = _state(card, start + timedelta(minutes=i), 1, "learning")
        store.record_review(rating=3, reviewed_at=first.last_review or start, duration_ms=4100 + i,
                            before=None, after=first, session_id=session)
        second = _state(card, start + timedelta(days=1, minutes=i), 2)
        store.record_review(rating=4, reviewed_at=second.last_review or start, duration_ms=2000,
                            before=first, after=second, session_id=session)
    store.end_session(session, start + timedelta(hours=1))
    if with_attempt:
        code = home / "attempts" / "softmax" / f"{start:%Y%m%dT%H%M%S}000000.py"
        code.parent.mkdir(parents=True, exist_ok=True)
        code.write_text("def softmax(x, dim=-1):\n    return x.exp() / x.exp().sum(dim, keepdim=True)\n")
        store.record_attempt(Attempt("softmax", start, start + timedelta(minutes=9), "wrong_answer", 3, 7,
                                     "cpu", 41.5, None, True, 10.0, str(code)))
    store.close()


def add_schedules_mocks_and_fit(home: Path, start: datetime) -> None:
    """A row in every table the later migrations add: challenge schedule, a mock with its items, a fit."""
    db = sqlite3.connect(home / "drill.db")
    ts = start.timestamp()
    attempt_id = db.execute("SELECT max(id) FROM attempt").fetchone()[0]
    db.execute("INSERT INTO challenge_state VALUES ('softmax', 'review', NULL, 4.2, 5.1, ?, ?, 1, 0)",
               (ts + 86400 * 4, ts))
    db.execute("INSERT INTO challenge_review (challenge_id, rating, proposed, reviewed_at, attempt_id, solve_s,"
               " minutes, hints, state_before, state_after) VALUES ('softmax', 3, 3, ?, ?, 540.5, 10, 0, NULL, '{}')",
               (ts, attempt_id))
    mock = db.execute("INSERT INTO mock (started_at, finished_at, minutes, topic, seed, status, score, explain_score,"
                      " numeric_score, coding_score) VALUES (?, ?, 45, NULL, 7, 'done', 0.66, 0.7, 0.5, 0.75)",
                      (ts, ts + 2400)).lastrowid
    db.executemany("INSERT INTO mock_item (mock_id, position, area, item_id, status, detail) VALUES (?,?,?,?,?,?)",
                   [(mock, 0, "explain", "backprop-explain", "answered", '{"must": 3}'),
                    (mock, 1, "coding", "softmax", "accepted", '{"hints": 1}')])
    db.execute("INSERT INTO fsrs_parameters (fitted_at, parameters, reviews, active) VALUES (?, '[0.2, 1.3]', 900, 1)",
               (ts,))
    db.commit()
    db.close()


def rows_of(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(home / "drill.db")
    try:
        out = {}
        for table in user_tables(db):
            rows = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            out[table] = [tuple(str(v).replace(str(home), "$HOME") if isinstance(v, str) else v for v in r)
                          for r in rows]
        return out
    finally:
        db.close()


def test_round_trip_restores_every_row_and_file_exactly(tmp_path: Path) -> None:
    source, target = tmp_path / "a", tmp_path / "b"
    make_history(source, ["c1", "c2", "c3"], T0)
    add_schedules_mocks_and_fit(source, T0)
    summary = write_export(source, tmp_path / "history.json", T0)
    assert summary.rows["review"] == 6 and summary.files == 1

    result = import_document(read_document(tmp_path / "history.json"), target)

    assert result.rows_added["review"] == 6
    before, after = rows_of(source), rows_of(target)
    assert set(before) == set(after)
    assert all(before[t] for t in ("challenge_state", "challenge_review", "mock", "mock_item", "fsrs_parameters"))
    for table in before:
        assert after[table] == before[table], table
    copied = sorted(p.relative_to(target).as_posix() for p in (target / "attempts").rglob("*.py"))
    assert copied == sorted(p.relative_to(source).as_posix() for p in (source / "attempts").rglob("*.py"))
    # The attempt's file column points into the new home, where the code now is.
    file_col = sqlite3.connect(target / "drill.db").execute("SELECT file FROM attempt").fetchone()[0]
    assert Path(file_col).read_text().startswith("def softmax")
    assert (target / "config.toml").read_text() == "new_per_day = 7\n"


def test_import_refuses_a_home_with_history_unless_merge(tmp_path: Path) -> None:
    make_history(tmp_path / "a", ["c1"], T0)
    make_history(tmp_path / "b", ["c9"], T0)
    doc = export_document(tmp_path / "a", T0)
    with pytest.raises(DrillError, match="already holds a history"):
        import_document(doc, tmp_path / "b")
    assert rows_of(tmp_path / "b")["review"] == rows_of(tmp_path / "b")["review"]
    assert len(rows_of(tmp_path / "b")["review"]) == 2


def test_merge_adds_what_is_missing_once_and_the_later_state_wins(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    make_history(laptop, ["c1", "c2"], T0)
    add_schedules_mocks_and_fit(laptop, T0)
    make_history(desktop, ["c2", "c3"], T0 + timedelta(days=5), with_attempt=False)
    doc = export_document(laptop, T0)

    first = import_document(doc, desktop, merge=True)
    again = import_document(doc, desktop, merge=True)

    assert first.rows_added["review"] == 4 and again.rows_added.get("review", 0) == 0
    db = sqlite3.connect(desktop / "drill.db")
    assert db.execute("SELECT count(*) FROM review").fetchone()[0] == 8
    assert db.execute("SELECT count(*) FROM attempt").fetchone()[0] == 1
    # c2 was reviewed later on the desktop: its state there wins; c1 comes from the laptop.
    c2_last = db.execute("SELECT last_review FROM card_state WHERE card_id = 'c2'").fetchone()[0]
    assert c2_last == (T0 + timedelta(days=6, minutes=0)).timestamp()
    assert db.execute("SELECT count(*) FROM card_state").fetchone()[0] == 3
    # Reviews carried over still belong to a session that exists here.
    orphans = db.execute("SELECT count(*) FROM review WHERE session_id NOT IN (SELECT id FROM session)")
    assert orphans.fetchone()[0] == 0
    # A mock and its items arrive once, the items pointing at the mock's id here; the challenge review
    # points at the attempt as it is numbered here.
    assert db.execute("SELECT count(*) FROM mock").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM mock_item WHERE mock_id = (SELECT id FROM mock)").fetchone()[0] == 2
    linked = db.execute("SELECT a.challenge_id FROM challenge_review r JOIN attempt a ON a.id = r.attempt_id")
    assert linked.fetchall() == [("softmax",)]


@pytest.mark.parametrize("doc", [
    [], {"format": "other"}, {"format": "drillcli-export", "version": 99, "schema": [], "tables": {}},
    {"format": "drillcli-export", "version": 1, "schema": ["999_future"], "tables": {}},
    {"format": "drillcli-export", "version": 1, "schema": [], "tables": {"review": {"columns": ["a"]}}},
])
def test_a_document_that_is_not_an_export_is_one_clear_error(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(DrillError, match=str(path.name)):
        read_document(path)


def test_a_file_path_outside_the_home_folders_is_refused(tmp_path: Path) -> None:
    make_history(tmp_path / "a", ["c1"], T0)
    doc = export_document(tmp_path / "a", T0)
    doc["files"] = {"../../evil.py": "x"}
    with pytest.raises(DrillError, match="refusing to write"):
        import_document(doc, tmp_path / "b")
    assert not (tmp_path / "evil.py").exists()


def test_cli_round_trip(drill_home: Path, tmp_path: Path) -> None:
    make_history(drill_home, ["c1"], T0)
    runner = CliRunner()
    out = runner.invoke(app, ["export", str(tmp_path / "h.json")])
    assert out.exit_code == 0, out.output
    assert "2 review" in out.output
    again = runner.invoke(app, ["import", str(tmp_path / "h.json")])
    assert again.exit_code == 1 and "--merge" in again.output + str(again.exception)


def test_a_damaged_database_is_one_clear_error_for_export_tune_and_report(drill_home: Path, tmp_path: Path) -> None:
    make_history(drill_home, [f"c{i}" for i in range(400)], T0)
    db_file = drill_home / "drill.db"
    size = db_file.stat().st_size
    with db_file.open("r+b") as f:  # scribble over pages in the middle, leaving the header intact
        for offset in range(8192, size - 4096, 8192):
            f.seek(offset)
            f.write(b"\xa5" * 2048)
    with pytest.raises(DrillError, match="damaged"):
        export_document(drill_home, T0)
    runner = CliRunner()
    for args in (["tune"], ["report"], ["export", str(tmp_path / "x.json")]):
        out = runner.invoke(app, args)
        assert out.exit_code != 0
        assert isinstance(out.exception, (DrillError, SystemExit)), (args, out.exception)


def test_a_read_only_history_is_read_as_it_is(drill_home: Path, tmp_path: Path) -> None:
    from drillcli.store.db import connect_read_only

    make_history(drill_home, ["c1", "c2"], T0)
    (drill_home / "drill.db").chmod(0o444)
    db = connect_read_only(drill_home / "drill.db")
    assert db.execute("SELECT count(*) FROM review").fetchone()[0] == 4
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM review")
    db.close()
    old = tmp_path / "old.db"
    sqlite3.connect(old).execute("CREATE TABLE card_state (card_id TEXT)").connection.close()
    with pytest.raises(DrillError, match="read-only and its schema"):
        connect_read_only(old)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to become uid 65534")
def test_report_and_list_read_a_read_only_home_as_an_unprivileged_user() -> None:
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="drill-readonly-"))  # pytest's own folder is private to root
    try:
        _read_only_home_as_nobody(tmp_path)
    finally:
        for path in [tmp_path, *tmp_path.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(tmp_path)


def _read_only_home_as_nobody(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_history(home, ["c1", "c2"], T0)
    tmp_path.chmod(0o755)
    for path in [home, *home.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    env = {**os.environ, "DRILL_HOME": str(home), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                            "import drillcli"], env=env, capture_output=True)
    if probe.returncode != 0 and os.environ.get("CI"):
        pytest.fail("CI runs as root and must run this as uid 65534 too (.ci/run makes the interpreter reachable)")
    if probe.returncode != 0:
        pytest.skip("uid 65534 cannot reach the interpreter here")
    for args in (["report", "--json"], ["list", "--json"]):
        out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                              "-m", "drillcli", *args], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        json.loads(out.stdout)
    assert json.loads(subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "drillcli", "report",
         "--json"], env=env, capture_output=True, text=True, timeout=120).stdout)["reviews_total"] == 4
