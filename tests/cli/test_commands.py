"""list, report, bank validate and the error paths, through the real CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import FIXTURE_BANK, run_drill


def test_version_and_help() -> None:
    assert run_drill("--version").stdout.startswith("drill ")
    for command in ([], ["cards"], ["code"], ["check"], ["list"], ["report"], ["bank", "validate"]):
        result = run_drill(*command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, command


def test_list_cards_json_shape_and_states(fixture_only: Path) -> None:
    run_drill("cards", input=" ab\n\nq")
    rows = json.loads(run_drill("list", "cards", "--json").stdout)
    assert all(set(r) == {"id", "topic", "type", "most_asked", "state"} for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert len(rows) == 6
    assert by_id["fx-explain"]["most_asked"] is True and by_id["fx-explain"]["state"] == "learning"
    assert by_id["fx-mcq"]["state"] == "new"
    only = json.loads(run_drill("list", "--topic", "optimizers", "--json").stdout)
    assert [r["id"] for r in only] == ["fx-short"]


def test_list_text_has_per_topic_counts(fixture_only: Path) -> None:
    out = run_drill("list").stdout
    assert "Per topic" in out and "Neural network basics" in out


def test_report_json_has_the_contract_keys(fixture_only: Path) -> None:
    run_drill("cards", input=" ab\n\n 4q")
    report = json.loads(run_drill("report", "--json").stdout)
    for key in ("reviews_total", "cards", "due_today", "topics", "challenges", "streak_days"):
        assert key in report
    assert report["reviews_total"] == 2
    assert report["cards"] == {"new": 4, "learning": 1, "review": 1, "relearning": 0}
    assert report["streak_days"] == 1
    assert set(report["challenges"]) >= {"attempted", "solved", "attempts"}
    basics = next(t for t in report["topics"] if t["topic"] == "basics")
    assert set(basics) >= {"topic", "cards", "reviewed", "retention"} and basics["reviewed"] == 2


def test_report_html_is_written(fixture_only: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = run_drill("report", "--html", str(target))
    assert result.returncode == 0
    assert "<h1>Progress report</h1>" in target.read_text()


def test_bank_validate_ok_and_problems(tmp_path: Path) -> None:
    assert run_drill("bank", "validate", str(FIXTURE_BANK)).returncode == 0
    bad = tmp_path / "bad" / "cards"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("format: 1\ntopic: cnn\ncards:\n  - id: a\n    type: mcq\n    prompt: p\n"
                                "    choices: [x, y]\n    answer: z\n    explanation: e\n")
    result = run_drill("bank", "validate", str(tmp_path / "bad"))
    assert result.returncode == 1
    assert f"{bad / 'x.yaml'}:8: card 'a': mcq answer 'z' is not one of its choices" in result.stdout


def test_malformed_bank_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad" / "cards"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("format: 1\ntopic: cnn\ncards:\n  - id: [\n")
    result = run_drill("--bank", str(tmp_path / "bad"), "cards")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{bad / 'x.yaml'}:" in result.stderr and "invalid YAML" in result.stderr


def test_unwritable_home(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DRILL_HOME", str(blocker / "home"))
    result = run_drill("list")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "DRILL_HOME" in result.stderr


def test_corrupt_database_is_reported_and_left_alone(drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "drill.db").write_bytes(b"garbage" * 1000)
    result = run_drill("list")
    assert result.returncode == 1 and "damaged" in result.stderr and "Traceback" not in result.stderr
    assert (drill_home / "drill.db").read_bytes() == b"garbage" * 1000


def test_unknown_option_and_topic() -> None:
    assert run_drill("cards", "--nope").returncode == 2
    result = run_drill("cards", "--topic", "astrology")
    assert result.returncode == 2 and "unknown topic" in result.stderr


def test_config_errors_are_clear(drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text("desired_retention = 2\n")
    result = run_drill("list")
    assert result.returncode == 1 and "desired_retention" in result.stderr


def test_help_does_not_import_torch() -> None:
    code = ("import sys; from drillcli.cli.app import app; "
            "sys.argv=['drill','--help']\ntry:\n app()\nexcept SystemExit: pass\n"
            "assert 'torch' not in sys.modules, 'torch imported'")
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stderr


def test_a_card_removed_from_the_bank_keeps_its_history(fixture_only: Path, tmp_path: Path) -> None:
    run_drill("cards", input=" ab\n\n 4q")  # fx-explain and fx-recall reviewed
    smaller = tmp_path / "smaller"
    (smaller / "cards").mkdir(parents=True)
    text = (FIXTURE_BANK / "cards" / "mixed.yaml").read_text()
    start = text.index("  - id: fx-recall")
    end = text.index("  - id: fx-cloze")
    (smaller / "cards" / "mixed.yaml").write_text(text[:start] + text[end:])
    (fixture_only / "config.toml").write_text(f'include_bundled = false\nbanks = ["{smaller}"]\n')
    ids = [row["id"] for row in json.loads(run_drill("list", "--json").stdout)]
    assert "fx-recall" not in ids and "fx-explain" in ids
    report = json.loads(run_drill("report", "--json").stdout)
    assert report["reviews_total"] == 2
    assert report["cards"]["review"] == 0  # the removed card's state no longer counts
    (fixture_only / "config.toml").write_text(f'include_bundled = false\nbanks = ["{FIXTURE_BANK}"]\n')
    states = {r["id"]: r["state"] for r in json.loads(run_drill("list", "--json").stdout)}
    assert states["fx-recall"] == "review"  # back in the bank: its history is intact


def test_an_error_message_is_printed_as_it_is_not_as_markup(drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text('"[/x]" = 1\n"[bold]y" = 2\n')
    result = run_drill("list")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "unknown setting(s): [/x], [bold]y" in result.stderr


def test_config_values_of_the_wrong_kind_are_refused(drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text('include_bundled = "no"\n')
    result = run_drill("list")
    assert result.returncode == 1 and "include_bundled must be true or false" in result.stderr
    (drill_home / "config.toml").write_text("session_limit = 0\n")  # a session of no cards at all
    result = run_drill("cards", input="q")
    assert result.returncode == 1 and "session_limit must be a whole number ≥ 1" in result.stderr


def test_nothing_due_counts_the_new_cards_of_the_chosen_topic_only(fixture_only: Path) -> None:
    result = run_drill("cards", "--topic", "optimizers", "--new", "0", input="q")
    assert result.returncode == 0, result.stderr
    assert "Nothing due right now" in result.stdout
    assert "1 new card waits" in result.stdout  # fx-short; the five basics cards are not in this session
    run_drill("cards", "--topic", "optimizers", input="adam\n3q")  # fx-short: due again in 10 min
    result = run_drill("cards", "--topic", "basics", "--new", "0", input="q")
    assert "5 new cards wait" in result.stdout and "Next card due" not in result.stdout


def test_report_says_which_day_each_forecast_figure_is_for(fixture_only: Path) -> None:
    run_drill("cards", input=" ab\n\n 4q")  # fx-explain due in 10 min, fx-recall in days
    out = run_drill("report").stdout
    assert "Due in the next 7 days: today 1 · " in out
    assert "due now" in out  # the topic column counts what is due now, not later today


def test_report_counts_one_leech_in_the_singular(fixture_only: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from drillcli.store.models import CardState
    from drillcli.store.repo import Store

    now = datetime.now(timezone.utc)
    state = CardState(card_id="fx-recall", state="relearning", step=0, stability=0.5, difficulty=9.0,
                      due=now - timedelta(hours=1), last_review=now - timedelta(days=2), reps=20, lapses=8)
    store = Store.open(fixture_only / "drill.db")
    store.record_review(rating=1, reviewed_at=now - timedelta(days=2), duration_ms=1000, before=state,
                        after=state, session_id=None)
    store.close()
    out = run_drill("report").stdout
    assert "1 relearning · 1 leech" in out and "leeches" not in out
