"""Bad input of every kind ends as one clear line and a non-zero exit, never a traceback.

Most cases run the real entry point (`main()`) in-process; a real process only where the process itself is
the point: a closed stdin, the output encoding, processes racing for DRILL_HOME, another user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from drillcli.paths import bundled_challenges_dir
from tests.conftest import Drill, Ran, run_drill


def one_clear_line(ran: Ran, *needles: str) -> None:
    assert ran.code != 0, ran
    assert "Traceback" not in ran.err + ran.out
    for needle in needles:
        assert needle in ran.err, (needle, ran.err)


def billion_laughs(folder: Path) -> Path:
    """A card file whose aliases expand to 10^9 strings: a few hundred bytes on disk."""
    (folder / "cards").mkdir(parents=True)
    lines = ["format: 1", "topic: cnn", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines += ["cards:", "  - id: bomb", "    type: recall", "    prompt: *a8", "    answer: *a8"]
    (folder / "cards" / "bomb.yaml").write_text("\n".join(lines) + "\n")
    return folder


# --- the bank ---------------------------------------------------------------------------------------------

def test_a_yaml_alias_bomb_is_refused_by_validate_and_by_every_command(drill: Drill, tmp_path: Path) -> None:
    bomb = billion_laughs(tmp_path / "bomb")
    ran = drill("bank", "validate", str(bomb))
    assert ran.code == 1
    assert f"{bomb / 'cards' / 'bomb.yaml'}:3: invalid YAML: anchors and aliases" in ran.out
    ran = drill("--bank", str(bomb), "list")
    one_clear_line(ran, "anchors and aliases (&name, *name) are not allowed")
    ran = drill("--bank", str(bomb), "report", "--json")
    assert ran.code == 1 and "anchors and aliases" in json.loads(ran.out)["error"]


def test_merge_keys_are_aliases_too(drill: Drill, tmp_path: Path) -> None:
    (tmp_path / "b" / "cards").mkdir(parents=True)
    (tmp_path / "b" / "cards" / "x.yaml").write_text(
        "format: 1\ntopic: cnn\nbase: &base {type: recall}\ncards:\n  - <<: *base\n    id: a\n"
        "    prompt: p\n    answer: a\n")
    ran = drill("bank", "validate", str(tmp_path / "b"))
    assert ran.code == 1 and "anchors and aliases" in ran.out


def test_a_card_file_that_is_not_utf8_names_the_file(drill: Drill, tmp_path: Path) -> None:
    (tmp_path / "b" / "cards").mkdir(parents=True)
    (tmp_path / "b" / "cards" / "x.yaml").write_bytes("format: 1\ntopic: cnn\n# caf\xe9\n".encode("latin-1"))
    ran = drill("bank", "validate", str(tmp_path / "b"))
    assert ran.code == 1 and "x.yaml:1: not UTF-8 text" in ran.out


def markup_bank(folder: Path) -> Path:
    """One card of each type with Rich markup in every text field."""
    (folder / "cards").mkdir(parents=True)
    m = "[/] [bold]b[/bold] [link=x]l[/link] \\\\[red]"  # YAML double-quoted: one backslash reaches Rich
    (folder / "cards" / "m.yaml").write_text(f'''format: 1
topic: basics
cards:
  - {{id: m-explain, type: explain, prompt: "{m} explain", answer: "{m} model",
     key_points: {{must: ["{m} must"], nice: ["{m} nice"]}}, tags: ["{m}"]}}
  - {{id: m-recall, type: recall, prompt: "{m} recall", answer: "{m} answer"}}
  - {{id: m-cloze, type: cloze, prompt: "{m} lead", text: "{m} a {{{{[/]blank}}}} b", explanation: "{m} why"}}
  - {{id: m-numeric, type: numeric, prompt: "{m} numeric", answer: 3, tolerance: 0, unit: "[/]units",
     explanation: "{m} why", check: "3"}}
  - {{id: m-mcq, type: mcq, prompt: "{m} mcq", choices: ["{m} one", "[/]two"], answer: "[/]two",
     explanation: "{m} why"}}
  - {{id: m-short, type: short, prompt: "{m} short", answer: "[/]adam", aliases: ["[b]adamw"],
     explanation: "{m} why"}}
''')
    return folder


@pytest.fixture
def markup_only(drill_home: Path, tmp_path: Path) -> Path:
    bank = markup_bank(tmp_path / "markup")
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text(f'include_bundled = false\nbanks = ["{bank}"]\nnew_per_day = 20\n')
    return bank


def test_rich_markup_in_every_card_field_is_shown_as_written(drill: Drill, markup_only: Path) -> None:
    assert drill("bank", "validate", str(markup_only)).code == 0
    # explain: reveal, tick a, Enter, grade; recall and cloze: reveal, grade; then the typed cards.
    ran = drill("cards", keys=" a\n3" + " 3" + " 3" + "3\n3" + "b\n3" + "[/]adam\n3" + "q")
    assert ran.code == 0, ran.err
    assert "Traceback" not in ran.err
    assert "type a number in [/]units" in ran.out and "Also accepted: [b]adamw" in ran.out
    assert "Reviewed 6 cards" in ran.out  # every card was shown, answered and graded
    assert "[/] [bold]b[/bold]" in ran.out
    for command in (["list"], ["report"], ["list", "--json"]):
        ran = drill(*command)
        assert ran.code == 0 and "Traceback" not in ran.err, (command, ran.err)


def test_challenge_text_with_markup_is_listed_as_written(drill: Drill, tmp_path: Path, drill_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        request: pytest.FixtureRequest) -> None:
    from drillcli.cli.render import console

    monkeypatch.setenv("COLUMNS", "150")  # wide enough for the title column
    console.cache_clear()
    request.addfinalizer(console.cache_clear)  # later tests get a console of their own width
    bank = tmp_path / "b"
    folder = bank / "challenges" / "odd"
    shutil.copytree(bundled_challenges_dir() / "softmax", folder)
    meta = (folder / "challenge.yaml").read_text().replace("id: softmax", "id: odd")
    meta = meta.replace("title: ", 'title: "[/]odd [bold]" #', 1).replace("topic: activations", 'topic: "[/]x"')
    (folder / "challenge.yaml").write_text(meta)
    ran = drill("--bank", str(bank), "list", "challenges")
    assert ran.code == 0, ran.err
    row = next(line for line in ran.out.splitlines() if line.startswith("│ odd "))
    assert "│ [/]x " in row and "[/]odd" in row, row  # the title and topic columns show the text as written
    ran = drill("--bank", str(bank), "list", "challenges", "--json")
    assert {"id": "odd", "topic": "[/]x", "difficulty": "easy", "solved": False, "due": True} in json.loads(ran.out)


def test_the_same_challenge_id_in_two_banks_is_one_error_everywhere(drill: Drill, tmp_path: Path) -> None:
    bank = tmp_path / "mine"
    shutil.copytree(bundled_challenges_dir() / "softmax", bank / "challenges" / "softmax")
    ran = drill("--bank", str(bank), "bank", "validate")
    assert ran.code == 1
    assert f"{bank / 'challenges' / 'softmax' / 'challenge.yaml'}:2: challenge id 'softmax' appears twice" in ran.out
    message = "challenge id 'softmax' appears twice"
    one_clear_line(drill("--bank", str(bank), "list", "challenges"), message)
    submission = tmp_path / "s.py"
    submission.write_text("def softmax(x, dim=-1):\n    return x\n")
    one_clear_line(drill("--bank", str(bank), "check", str(submission), "-c", "softmax"), message)
    ran = drill("--bank", str(bank), "check", str(submission), "-c", "softmax", "--json")
    assert ran.code == 1 and message in json.loads(ran.out)["error"]


# --- settings and options ---------------------------------------------------------------------------------

def test_a_config_that_is_not_utf8(drill: Drill, drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_bytes(b"new_per_day = 5 # \xff\xfe\n")
    one_clear_line(drill("list"), "config.toml: not UTF-8 text (byte 18")
    one_clear_line(drill("report"), "not UTF-8")


def test_a_config_that_is_not_toml(drill: Drill, drill_home: Path) -> None:
    drill_home.mkdir(parents=True)
    (drill_home / "config.toml").write_text("new_per_day = = 5\n")
    one_clear_line(drill("list"), "config.toml: invalid TOML")


def test_report_days_out_of_range(drill: Drill) -> None:
    ran = drill("report", "--days", "1000000")
    assert ran.code == 2 and "--days" in ran.err and "Traceback" not in ran.err
    ran = drill("report", "--days", "1000000", "--json")
    assert ran.code == 2 and "--days" in json.loads(ran.out)["error"]
    assert drill("report", "--days", "3650", "--json").code == 0


@pytest.mark.parametrize("minutes", ["inf", "nan", "-1", "1e400"])
def test_code_minutes_must_be_a_real_countdown(drill: Drill, minutes: str) -> None:
    ran = drill("code", "softmax", "--minutes", minutes)
    assert ran.code == 2 and "--minutes" in ran.err and "Traceback" not in ran.err


# --- the process around the CLI ---------------------------------------------------------------------------

def test_a_closed_stdin_is_one_clear_line(fixture_only: Path) -> None:
    result = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m drillcli cards <&-'],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "stdin is closed" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(run_drill("list", "--json").stdout)  # the store is intact and readable


@pytest.mark.parametrize(("encoding", "dot"), [("ascii", "-"), ("latin-1", "·")])
def test_an_output_encoding_that_lacks_what_drill_prints(fixture_only: Path, encoding: str, dot: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    result = subprocess.run([sys.executable, "-m", "drillcli", "report"], capture_output=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode(encoding)
    assert f"Reviews: 0 (0 in the last 30 days) {dot} streak 0 days {dot} due today 0" in text
    listed = subprocess.run([sys.executable, "-m", "drillcli", "list", "--json"], capture_output=True, timeout=60,
                            env=env)
    assert json.loads(listed.stdout.decode("ascii"))  # JSON escapes what the encoding lacks


def test_processes_starting_together_never_trip_over_the_write_probe(fixture_only: Path) -> None:
    from drillcli.store.repo import Store

    Store.open(fixture_only / "drill.db").close()  # the folder and database exist: only the probe is racing
    code = ("import sys\nfrom drillcli.store.db import connect\nfrom pathlib import Path\n"
            "for _ in range(150):\n    connect(Path(sys.argv[1]) / 'drill.db').close()\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(fixture_only)], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert not [f for f in os.listdir(fixture_only) if f.startswith(".write-test")]


def _as_another_user(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run drill as a user who cannot write `home`: `nobody` when we are root (root writes anything)."""
    env = {**os.environ, "DRILL_HOME": str(home), "HOME": str(home.parent)}
    command = [sys.executable, "-m", "drillcli", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, input="q",
                          cwd=home.parent)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv to drop root")
def test_a_read_only_drill_home() -> None:
    base = Path(tempfile.mkdtemp(prefix="drill-ro-"))  # outside pytest's root-only folder, for `nobody`
    try:
        base.chmod(0o755)
        home = base / "home"
        from drillcli.store.repo import Store

        Store.open(home / "drill.db").close()
        before = (home / "drill.db").read_bytes()
        for path in [home, *home.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        result = _as_another_user(["cards"], home)  # a session writes: one clear line
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "not writable" in result.stderr, result.stderr
        for args in (["list"], ["report"]):  # they only read: the history is shown as it is
            result = _as_another_user(args, home)
            assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
        assert (home / "drill.db").read_bytes() == before
    finally:
        for path in [base, *base.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(base)
