"""Real submissions in real processes: a warm pool per test process, and a check that nothing survives."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drillcli.bank.challenges import Challenge, load_challenge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CHALLENGES = FIXTURES / "challenges"
SUBMISSIONS = FIXTURES / "submissions"


def fixture_challenge(name: str) -> Challenge:
    return load_challenge(CHALLENGES / name)


def live_processes_under(root: int) -> set[int]:
    """Live (not zombie) descendants of `root`, found through /proc."""
    parents: dict[int, int] = {}
    states: dict[int, bytes] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                data = Path(f"/proc/{entry.name}/stat").read_bytes()
            except OSError:
                continue
            fields = data[data.rindex(b")") + 2:].split()
            states[int(entry.name)] = fields[0]
            parents[int(entry.name)] = int(fields[1])
    found, stack = set(), [root]
    while stack:
        parent = stack.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found.add(pid)
                stack.append(pid)
    return {pid for pid in found if states.get(pid) != b"Z"}


def processes_with_marker(marker: str) -> set[int]:
    """Processes with `marker` in their command line that are ours: under this process, or escaped to
    init (another test process may be grading the same fixture right now)."""
    ours = live_processes_under(os.getpid()) | _children_of_init()
    return {pid for pid in _with_marker(marker) if pid in ours}


def _children_of_init() -> set[int]:
    found = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                data = Path(f"/proc/{entry.name}/stat").read_bytes()
            except OSError:
                continue
            if data[data.rindex(b")") + 2:].split()[1] == b"1":
                found.add(int(entry.name))
    return found


def _with_marker(marker: str) -> set[int]:
    found = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="session")
def pool() -> Iterator[object]:
    from drillcli.grader import GraderPool

    with GraderPool("cpu") as warm:
        yield warm


@pytest.fixture(scope="session")
def graded() -> dict[tuple[str, str], object]:
    """Reports by (submission, challenge): each fixture is graded once per test process."""
    return {}


@pytest.fixture
def grade(pool: object, graded: dict[tuple[str, str], object]) -> Callable[..., object]:
    """Grade a fixture submission with the warm pool; asserts that no process of it survives."""

    def run(submission: str, challenge: str = "fx_softmax") -> object:
        key = (submission, challenge)
        if key not in graded:
            graded[key] = pool.grade(  # type: ignore[attr-defined]
                SUBMISSIONS / submission, fixture_challenge(challenge), measure_runtime=False
            )
            assert_no_survivors(pool)
        return graded[key]

    return run


def assert_no_survivors(pool: object) -> None:
    """Nothing under this process but the pool's fork server and its spare (looked up after the
    scan: a spare may be starting its worker right now)."""
    pool.wait_ready()  # type: ignore[attr-defined]
    left = live_processes_under(os.getpid())
    for pid in pool.standing_processes().values():  # type: ignore[attr-defined]
        left -= {pid} | live_processes_under(pid)
    assert not left, f"processes survived grading: {[_describe(pid) for pid in sorted(left)]}"


def _describe(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return f"{pid} (gone)"
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return f"{pid} {fields.get('Name', '').strip()} ppid={fields.get('PPid', '').strip()} " \
           f"state={fields.get('State', '').strip()} nspid={fields.get('NSpid', '').strip()}"
