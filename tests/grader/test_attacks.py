"""The attacks of issue 7, each a fixture submission graded for real, as root and as an unprivileged
user: the verdict, drill.db and the package unchanged, no process left, the judge alive.

The gradings run in a separate judge process (tests/grader/attack_runner.py), so that one that went
wrong cannot take this test process with it; as root that process is run a second time under
`setpriv` as uid 65534. `DRILL_SANDBOX` lowers the level to test the Landlock and process fallbacks.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
SETPRIV = shutil.which("setpriv")
ATTACKS = ["attack_environ_db.py", "attack_tests_py.py", "attack_detach.py", "attack_kill_parent.py",
           "attack_disk_fill.py", "attack_big_output.py", "attack_read_files.py", "attack_env_secret.py",
           "attack_udp.py"]
# At the namespaces level. The parent's death is ignored there (its parent is the sandbox's init).
VERDICTS = {
    "attack_environ_db.py": {"accepted"},
    "attack_tests_py.py": {"wrong_answer"},
    "attack_detach.py": {"accepted"},
    "attack_kill_parent.py": {"accepted"},
    "attack_disk_fill.py": {"output_limit"},
    "attack_big_output.py": {"output_limit"},
    "attack_read_files.py": {"accepted"},
    "attack_env_secret.py": {"accepted"},
    "attack_udp.py": {"accepted"},
    "one-shot attack_detach.py": {"accepted"},
}
BIG_OUTPUT_KB = 480 * 1024


def _as_nobody_possible() -> str:
    if sys.platform != "linux" or SETPRIV is None:
        return "needs Linux and setpriv"
    if os.geteuid() != 0:
        return "already unprivileged (the first run is the unprivileged one)"
    probe = subprocess.run([SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                            sys.executable, "-c", "import drillcli.grader.isolation, torch"],
                           cwd=ROOT, capture_output=True, env=_env(Path("/tmp")))
    return "" if probe.returncode == 0 else "uid 65534 cannot read the interpreter or the venv here"


def _env(home: Path, level: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRILL_")}
    env.update({"DRILL_HOME": str(home), "PYTHONPATH": str(ROOT), "HOME": str(home),
                "API_TOKEN": "drill-attack-secret"})  # a secret in the user's shell (attack_env_secret.py)
    if level:
        env["DRILL_SANDBOX"] = level
    return env


def _digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _package_files() -> list[Path]:
    return sorted([*(ROOT / "questions" / "challenges").rglob("tests.py"),
                   *(ROOT / "drillcli" / "questions" / "challenges").rglob("tests.py"),
                   *(ROOT / "tests" / "fixtures" / "challenges").rglob("tests.py")])


class Attacked:
    """One run of the attack runner and what it left."""

    def __init__(self, home: Path, uid: int | None, plan: dict[str, list[str]]) -> None:
        self.home = home
        self.db = home / "drill.db"
        _make_database(self.db, uid)
        before = _digest([self.db])
        command = [sys.executable, "-m", "tests.grader.attack_runner", json.dumps(plan)]
        if uid is not None:
            command = [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]
        try:
            self.done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240,
                                       env=_env(home))
        finally:
            # Others may be editing the bank right now: a file counts as damaged only if it carries
            # the attack's own text, and only that text is taken out again.
            self.changed = _strip_attack_text()
            self.changed += [p for p, h in _digest([self.db]).items() if before.get(p) != h]
        self.lines: dict[str, dict[str, dict[str, Any]]] = {}
        for line in map(json.loads, self.done.stdout.splitlines()):
            self.lines.setdefault(line["level"], {})[line["fixture"]] = line


ATTACK_TEXT = b"\n\ndef cases(device):\n    return []\n"  # what attack_tests_py.py appends


def _strip_attack_text() -> list[str]:
    damaged = []
    for path in _package_files():
        data = path.read_bytes() if path.is_file() else b""
        if path.name == "tests.py" and ATTACK_TEXT in data:
            damaged.append(str(path))
            path.write_bytes(data.replace(ATTACK_TEXT, b""))
    return damaged


def _make_database(path: Path, uid: int | None) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE reviews (card TEXT, grade INTEGER)")
    db.executemany("INSERT INTO reviews VALUES (?, ?)", [("softmax-why", 3), ("adam-eps", 4)])
    db.commit()
    db.close()
    if uid is not None:
        os.chown(path.parent, uid, uid)
        os.chown(path, uid, uid)


@pytest.fixture(scope="module")
def attack_home() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="drill-attack-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


LANDLOCK_ATTACKS = ["attack_environ_db.py", "attack_tests_py.py", "attack_detach.py", "attack_kill_parent.py",
                    "attack_read_files.py", "attack_env_secret.py", "attack_udp.py"]
PROCESS_ATTACKS = ["attack_detach.py", "attack_big_output.py", "attack_read_files.py", "attack_env_secret.py",
                   "attack_udp.py"]


@pytest.fixture(scope="module")
def as_user(attack_home: Path) -> Attacked:
    """Every attack in namespaces, then the fallbacks (forced) in the same judge process."""
    home = attack_home / "user"
    home.mkdir()
    return Attacked(home, None, {"auto": ATTACKS, "landlock": LANDLOCK_ATTACKS, "process": PROCESS_ATTACKS})


@pytest.fixture(scope="module")
def as_nobody(attack_home: Path) -> Attacked:
    why = _as_nobody_possible()
    if why and os.environ.get("CI") and os.geteuid() == 0:
        pytest.fail(f"CI runs as root and must also run the attacks as uid {NOBODY}: {why} "
                    "(.ci/run makes the interpreter reachable)")
    if why:
        pytest.skip(why)
    home = attack_home / "nobody"
    home.mkdir()
    return Attacked(home, NOBODY, {"auto": ATTACKS, "landlock": ["attack_read_files.py", "attack_env_secret.py",
                                                                 "attack_udp.py"], "process": ["attack_udp.py"]})


def _check_judge(run: Attacked) -> None:
    assert run.done.returncode == 0, run.done.stderr[-3000:]  # the judge lived to the end
    assert not run.changed, f"changed by a submission: {run.changed}"


def _check_lines(lines: dict[str, dict[str, Any]], level: str, verdicts: dict[str, set[str]]) -> None:
    for name, allowed in verdicts.items():
        line = lines[name]
        if "skipped" in line:
            continue
        assert line["isolation"] == level, line
        assert line["verdict"] in allowed, line
        assert line["survivors"] == [], line
        assert line["heard"] == [], line  # nothing reached the machine's network
    big = lines.get("attack_big_output.py")
    if big is not None and "skipped" not in big:
        assert big["peak_growth_kb"] < BIG_OUTPUT_KB // 4, big  # never read into the judge


linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox is Linux's")


@linux_only
def test_attacks_are_contained(as_user: Attacked) -> None:
    _check_judge(as_user)
    _check_lines(as_user.lines["auto"], "namespaces", VERDICTS)


@linux_only
def test_attacks_are_contained_as_an_unprivileged_user(as_nobody: Attacked) -> None:
    _check_judge(as_nobody)
    _check_lines(as_nobody.lines["auto"], "namespaces", VERDICTS)


@linux_only
def test_landlock_fallback_keeps_files_and_the_judge(as_user: Attacked) -> None:
    from drillcli.grader.isolation import landlock_abi

    try:
        abi = landlock_abi()
    except OSError:
        pytest.skip("no Landlock in this kernel")
    _check_judge(as_user)
    refused = {"runtime_error"} if abi >= 6 else {"accepted", "runtime_error"}  # signals scoped from ABI 6
    expected = {k: VERDICTS[k] for k in LANDLOCK_ATTACKS} | {"attack_kill_parent.py": refused}
    _check_lines(as_user.lines["landlock"], "landlock", expected)


@linux_only
def test_the_fallbacks_keep_files_secrets_and_the_network_from_an_unprivileged_user(as_nobody: Attacked) -> None:
    from drillcli.grader.isolation import landlock_abi

    try:
        landlock_abi()
    except OSError:
        pytest.skip("no Landlock in this kernel")
    _check_judge(as_nobody)
    contained = {name: {"accepted"} for name in ("attack_read_files.py", "attack_env_secret.py", "attack_udp.py")}
    _check_lines(as_nobody.lines["landlock"], "landlock", contained)
    _check_lines(as_nobody.lines["process"], "process", {"attack_udp.py": {"accepted"}})


@linux_only
def test_process_level_is_reported_and_still_reaps_everything(as_user: Attacked) -> None:
    _check_judge(as_user)
    # The process level cannot hide files: the reading attack gets through (the docs' table says so).
    expected = {k: VERDICTS[k] for k in PROCESS_ATTACKS} | {"attack_read_files.py": {"wrong_answer"}}
    _check_lines(as_user.lines["process"], "process", expected)
    assert all(line["isolation_reason"] == "DRILL_SANDBOX=process" for line in as_user.lines["process"].values())


def _with_marker(marker: bytes) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if marker in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@linux_only
@pytest.mark.parametrize("level", ["", "process"], ids=["namespaces", "process"])
def test_judge_killed_mid_grade_leaves_nothing(attack_home: Path, level: str) -> None:
    """`drill check` SIGKILLed while the submission runs (with detached children): nothing remains."""
    home = attack_home / f"killed-{level or 'namespaces'}"
    home.mkdir()
    marker = b"drill-attack-long-run"
    drill = subprocess.Popen(
        [sys.executable, "-m", "drillcli", "--bank", str(ROOT / "tests" / "fixtures"), "check",
         str(ROOT / "tests" / "fixtures" / "submissions" / "attack_long_run.py"), "-c", "fx_roomy", "--json"],
        cwd=ROOT, env=_env(home, level), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: len(_with_marker(marker)) >= 2, 120), "the submission never started"
    finally:
        drill.send_signal(signal.SIGKILL)
        drill.wait()
    parent = f"--parent\0{drill.pid}\0".encode()
    gone = _wait_for(lambda: not _with_marker(marker) and not _with_marker(parent), 20)
    assert gone, f"left running: {_with_marker(marker) + _with_marker(parent)}"
