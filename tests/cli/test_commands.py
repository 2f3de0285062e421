"""list, report, bank validate, help, completion and the error paths, through the CLI's entry point in-process
(`drill` fixture); a real process only where the process is the point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from drillcli.paths import bundled_challenges_dir
from tests.conftest import FIXTURE_BANK, Drill, Ran


def test_version_and_help(drill: Drill) -> None:
    assert drill("--version").out.startswith("drill ")
    for command in ([], ["cards"], ["code"], ["check"], ["list"], ["report"], ["bank", "validate"]):
        result = drill(*command, "--help")
        assert result.code == 0 and "Usage" in result.out, command


def test_list_cards_json_shape_and_states(drill: Drill, fixture_only: Path) -> None:
    drill("cards", keys=" ab\n\nq")
    rows = json.loads(drill("list", "cards", "--json").out)
    assert all(set(r) == {"id", "topic", "type", "most_asked", "state"} for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert len(rows) == 6
    assert by_id["fx-explain"]["most_asked"] is True and by_id["fx-explain"]["state"] == "learning"
    assert by_id["fx-mcq"]["state"] == "new"
    only = json.loads(drill("list", "--topic", "optimizers", "--json").out)
    assert [r["id"] for r in only] == ["fx-short"]


def test_list_text_has_per_topic_counts(drill: Drill, fixture_only: Path) -> None:
    out = drill("list").out
    assert "Per topic" in out and "Neural network basics" in out


def test_report_json_has_the_contract_keys(drill: Drill, fixture_only: Path) -> None:
    drill("cards", keys=" ab\n\n 4q")
    report = json.loads(drill("report", "--json").out)
    for key in ("reviews_total", "cards", "due_today", "topics", "challenges", "streak_days"):
        assert key in report
    assert report["reviews_total"] == 2
    assert report["cards"] == {"new": 4, "learning": 1, "review": 1, "relearning": 0}
    assert report["streak_days"] == 1
    assert set(report["challenges"]) >= {"attempted", "solved", "attempts"}
    basics = next(t for t in report["topics"] if t["topic"] == "basics")
    assert set(basics) >= {"topic", "cards", "reviewed", "retention"} and basics["reviewed"] == 2


def test_report_html_is_written(drill: Drill, fixture_only: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = drill("report", "--html", str(target))
    assert result.code == 0
    assert "<h1>Progress report</h1>" in target.read_text()


def test_bank_validate_ok_and_problems(drill: Drill, tmp_path: Path) -> None:
    assert drill("bank", "validate", str(FIXTURE_BANK)).code == 0
    bad = tmp_path / "bad" / "cards"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("format: 1\ntopic: cnn\ncards:\n  - id: a\n    type: mcq\n    prompt: p\n"
                                "    choices: [x, y]\n    answer: z\n    explanation: e\n")
    result = drill("bank", "validate", str(tmp_path / "bad"))
    assert result.code == 1
    assert f"{bad / 'x.yaml'}:8: card 'a': mcq answer 'z' is not one of its choices" in result.out


def test_malformed_bank_is_one_clear_line(drill: Drill, tmp_path: Path) -> None:
    bad = tmp_path / "bad" / "cards"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("format: 1\ntopic: cnn\ncards:\n  - id: [\n")
    result = drill("--bank", str(tmp_path / "bad"), "cards")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert f"{bad / 'x.yaml'}:" in result.err and "invalid YAML" in result.err


def test_unwritable_home(drill: Drill, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DRILL_HOME", str(blocker / "home"))
    result = drill("cards", keys="q")
    assert result.code == 1 and "Traceback" not in result.err
    assert "DRILL_HOME" in result.err


def test_corrupt_database_is_reported_and_left_alone(drill: Drill, drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "drill.db").write_bytes(b"garbage" * 1000)
    result = drill("list")
    assert result.code == 1 and "damaged" in result.err and "Traceback" not in result.err
    assert (drill_home / "drill.db").read_bytes() == b"garbage" * 1000


def test_unknown_option_and_topic(drill: Drill) -> None:
    assert drill("cards", "--nope").code == 2
    result = drill("cards", "--topic", "astrology")
    assert result.code == 2 and "unknown topic" in result.err


def test_config_errors_are_clear(drill: Drill, drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text("desired_retention = 2\n")
    result = drill("list")
    assert result.code == 1 and "desired_retention" in result.err


def test_help_does_not_import_torch() -> None:
    code = ("import sys; from drillcli.cli.app import app; "
            "sys.argv=['drill','--help']\ntry:\n app()\nexcept SystemExit: pass\n"
            "assert 'torch' not in sys.modules, 'torch imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stderr


def test_a_card_removed_from_the_bank_keeps_its_history(drill: Drill, fixture_only: Path, tmp_path: Path) -> None:
    drill("cards", keys=" ab\n\n 4q")  # fx-explain and fx-recall reviewed
    smaller = tmp_path / "smaller"
    (smaller / "cards").mkdir(parents=True)
    text = (FIXTURE_BANK / "cards" / "mixed.yaml").read_text()
    start = text.index("  - id: fx-recall")
    end = text.index("  - id: fx-cloze")
    (smaller / "cards" / "mixed.yaml").write_text(text[:start] + text[end:])
    (fixture_only / "config.toml").write_text(f'include_bundled = false\nbanks = ["{smaller}"]\n')
    ids = [row["id"] for row in json.loads(drill("list", "--json").out)]
    assert "fx-recall" not in ids and "fx-explain" in ids
    report = json.loads(drill("report", "--json").out)
    assert report["reviews_total"] == 2
    assert report["cards"]["review"] == 0  # the removed card's state no longer counts
    (fixture_only / "config.toml").write_text(f'include_bundled = false\nbanks = ["{FIXTURE_BANK}"]\n')
    states = {r["id"]: r["state"] for r in json.loads(drill("list", "--json").out)}
    assert states["fx-recall"] == "review"  # back in the bank: its history is intact


def test_an_error_message_is_printed_as_it_is_not_as_markup(drill: Drill, drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text('"[/x]" = 1\n"[bold]y" = 2\n')
    result = drill("list")
    assert result.code == 1 and "Traceback" not in result.err
    assert "unknown setting(s): [/x], [bold]y" in result.err


def test_config_values_of_the_wrong_kind_are_refused(drill: Drill, drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text('include_bundled = "no"\n')
    result = drill("list")
    assert result.code == 1 and "include_bundled must be true or false" in result.err
    (drill_home / "config.toml").write_text("session_limit = 0\n")  # a session of no cards at all
    result = drill("cards", keys="q")
    assert result.code == 1 and "session_limit must be a whole number ≥ 1" in result.err


def test_nothing_due_counts_the_new_cards_of_the_chosen_topic_only(drill: Drill, fixture_only: Path) -> None:
    result = drill("cards", "--topic", "optimizers", "--new", "0", keys="q")
    assert result.code == 0, result.err
    assert "Nothing due right now" in result.out
    assert "1 new card waits" in result.out  # fx-short; the five basics cards are not in this session
    drill("cards", "--topic", "optimizers", keys="adam\n3q")  # fx-short: due again in 10 min
    result = drill("cards", "--topic", "basics", "--new", "0", keys="q")
    assert "5 new cards wait" in result.out and "Next card due" not in result.out


def test_report_says_which_day_each_forecast_figure_is_for(drill: Drill, fixture_only: Path) -> None:
    drill("cards", keys=" ab\n\n 4q")  # fx-explain due in 10 min, fx-recall in days
    out = drill("report").out
    assert re.search(r"Due in the next \d+ days\n\s*today\s+1\b", out), out
    assert "due now" in out  # the topic column counts what is due now, not later today


def test_report_counts_one_leech_in_the_singular(drill: Drill, fixture_only: Path) -> None:
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
    out = drill("report").out
    assert "1 relearning · 1 leech" in out and "leeches" not in out


# --- the command line as a finished tool -------------------------------------------------------------------

def test_help_reads_like_a_finished_tool(drill: Drill) -> None:
    top = drill("--help").out
    assert "--bank PATH" in top and "--install-completion" in top
    commands = top[top.index("Commands:"):]
    assert "..." not in commands  # no summary cut mid-sentence
    assert "Usage: drill check [OPTIONS] FILE" in drill("check", "--help").out
    assert "Usage: drill code [OPTIONS] [ID]" in drill("code", "--help").out
    assert "Usage: drill bank validate [OPTIONS] [PATH]" in drill("bank", "validate", "--help").out
    for command in ("cards", "list"):
        assert "basics, backprop, activations" in drill(command, "--help").out, command


def _completion_env(words: str) -> dict[str, str]:
    """The variables bash sets for completing the line `words` (the last word is being completed)."""
    return {"_DRILL_COMPLETE": "complete_bash", "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}


@pytest.fixture
def complete(drill: Drill, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def run(words: str) -> list[str]:
        for name, value in _completion_env(words).items():
            monkeypatch.setenv(name, value)
        ran = drill()
        assert ran.code == 0, ran.err
        return ran.out.split()

    return run


def test_shell_completion_of_commands_topics_and_challenge_ids(complete) -> None:  # type: ignore[no-untyped-def]
    assert "report" in complete("drill rep")
    assert complete("drill cards --topic a") == ["activations", "attention"]
    assert complete("drill list --topic norm") == ["normalization"]
    assert "softmax" in complete("drill code soft") and "linear_forward" not in complete("drill code soft")
    assert complete("drill check x.py --challenge layer_") == ["layer_norm"]
    assert "--most-asked" in complete("drill cards --mo")


def test_shell_completion_includes_the_configured_banks(complete, drill_home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mine" / "challenges" / "my_own").mkdir(parents=True)
    (tmp_path / "mine" / "challenges" / "my_own" / "challenge.yaml").write_text("id: my_own\n")
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text(f'banks = ["{tmp_path / "mine"}"]\n')
    assert complete("drill code my") == ["my_own"]


def test_completion_loads_neither_torch_nor_the_bank() -> None:
    code = ("import sys; sys.argv = ['drill']\nfrom drillcli.cli.app import main\ntry:\n main()\n"
            "except SystemExit: pass\nassert 'torch' not in sys.modules and 'yaml' not in sys.modules\n")
    env = {**os.environ, **_completion_env("drill code so")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["softmax", "softmax_ce_grad"]


def test_bank_validate_takes_a_single_file(drill: Drill, tmp_path: Path) -> None:
    ran = drill("bank", "validate", str(FIXTURE_BANK / "cards" / "mixed.yaml"))
    assert ran.code == 0 and "ok: 6 cards, 0 challenges" in ran.out
    bad = tmp_path / "one.yaml"
    bad.write_text("format: 1\ntopic: cnn\ncards:\n  - {id: a, type: recall, prompt: p, answer: x}\n"
                   "  - {id: a, type: recall, prompt: q, answer: y}\n")
    ran = drill("bank", "validate", str(bad))
    assert ran.code == 1 and f"{bad}:5: duplicate id 'a' (first at {bad}:4)" in ran.out
    challenge = bundled_challenges_dir() / "softmax" / "challenge.yaml"
    ran = drill("bank", "validate", str(challenge))
    assert ran.code == 0 and "ok: 0 cards, 1 challenge," in ran.out
    ran = drill("bank", "validate", str(tmp_path / "nothing.yaml"))
    assert ran.code == 2 and "no such file or folder" in ran.err


def test_an_unknown_challenge_suggests_the_closest_ids(drill: Drill, tmp_path: Path) -> None:
    submission = tmp_path / "s.py"
    submission.write_text("x = 1\n")
    ran = drill("check", str(submission), "-c", "sofmax")
    assert ran.code == 2 and "did you mean softmax" in ran.err
    ran = drill("check", str(submission), "-c", "zzz", "--json")
    assert ran.code == 2 and "known: " in json.loads(ran.out)["error"]


def test_json_errors_are_json_on_stdout_with_the_same_exit_status(drill: Drill, drill_home: Path) -> None:
    ran = drill("list", "--topic", "astrology", "--json")
    assert ran.code == 2 and ran.err == ""
    assert json.loads(ran.out) == {"error": ran_error(drill("list", "--topic", "astrology"))}
    ran = drill("report", "--days", "0", "--json")
    assert ran.code == 2 and "--days" in json.loads(ran.out)["error"]
    ran = drill("check", "missing.py", "-c", "softmax", "--json")
    assert ran.code == 2 and json.loads(ran.out) == {"error": "missing.py: no such file"}
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text("new_per_day = -1\n")
    for command in (["list", "--json"], ["list", "challenges", "--json"], ["report", "--json"]):
        ran = drill(*command)
        assert ran.code == 1 and "new_per_day" in json.loads(ran.out)["error"], command


def ran_error(ran: Ran) -> str:
    """The message of a plain (non-JSON) error line."""
    assert ran.err.startswith("error: "), ran.err
    return ran.err.removeprefix("error: ").strip()


def test_read_only_commands_create_no_drill_home(drill: Drill, drill_home: Path) -> None:
    assert not drill_home.exists()
    assert drill("list").code == 0
    assert len(json.loads(drill("list", "--json").out)) > 300
    assert drill("list", "challenges").code == 0
    assert json.loads(drill("report", "--json").out)["reviews_total"] == 0
    assert not drill_home.exists()


def test_list_challenges_json_has_the_contract_keys(drill: Drill) -> None:
    rows = json.loads(drill("list", "challenges", "--json", "--topic", "Activations").out)
    assert {r["id"] for r in rows} >= {"softmax", "log_softmax", "gelu"}
    assert all(set(r) == {"id", "topic", "difficulty", "solved", "due"} for r in rows)
    assert all(r["topic"] == "activations" and r["due"] and not r["solved"] for r in rows)
