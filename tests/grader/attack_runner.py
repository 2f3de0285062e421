"""Grades attack fixtures in this process (the judge) and prints one JSON line per fixture.

    python -m tests.grader.attack_runner '{"namespaces": ["attack_detach.py", ...], "landlock": [...]}'

Run by tests/grader/test_attacks.py, as root and as an unprivileged user, with `DRILL_HOME` set by
the test; one warm pool per sandbox level named (the strongest level to try, as `DRILL_SANDBOX`).
Each fixture goes through the warm pool; `attack_detach.py` also through a one-shot worker (at
the default level).
After each verdict it looks for processes still carrying the fixture's MARKER anywhere on the
machine, and notes the judge's peak memory (VmHWM) before and after.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"
MARKER = re.compile(r'^MARKER = "([^"]+)"', re.MULTILINE)
NEEDS_NAMESPACES = {"attack_disk_fill.py"}  # below that level it would really fill the disk


def marker_of(name: str) -> str:
    found = MARKER.search((SUBMISSIONS / name).read_text(encoding="utf-8"))
    return found.group(1) if found else name


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main(plan: dict[str, list[str]]) -> None:
    from drillcli.bank.challenges import load_challenge

    challenge = load_challenge(FIXTURES / "challenges" / "fx_roomy")
    for level, names in plan.items():
        run_level(challenge, level, names)


def run_level(challenge: object, strongest: str, names: list[str]) -> None:
    from drillcli.grader import GraderPool, OneShot, grade

    with GraderPool("cpu", isolation=strongest) as pool:
        level = str(pool.isolation.level)
        pool.grade(SUBMISSIONS / "good.py", challenge, measure_runtime=False)  # torch and cases loaded
        for name in names:
            if name in NEEDS_NAMESPACES and level != "namespaces":
                report_line(strongest, name, skipped=f"needs namespaces, got {level}")
                continue
            before = peak_kb()
            with Listener(name) as heard:
                report = pool.grade(heard.submission, challenge, measure_runtime=False)
                pool.wait_ready()  # the previous worker's supervisor has ended everything by now
            report_line(strongest, name, report=report, growth=peak_kb() - before, heard=heard.received)
    if strongest != "auto":
        return  # the one-shot path is the same launch; once is enough
    name = "attack_detach.py"
    one_shot = OneShot("cpu", isolation=strongest)
    report_line(strongest, f"one-shot {name}", report=grade(SUBMISSIONS / name, challenge, "cpu", one_shot,
                                                            measure_runtime=False))


class Listener:
    """For a fixture with a `PORT = 0` line: a UDP socket on the loopback, the fixture graded from a copy
    that names its port, and whatever reached it (`received`)."""

    def __init__(self, name: str) -> None:
        self.submission = SUBMISSIONS / name
        self.received: list[str] = []
        self._sock: socket.socket | None = None
        self._copy: Path | None = None

    def __enter__(self) -> Listener:
        text = self.submission.read_text(encoding="utf-8")
        if "\nPORT = 0" in text:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sock.bind(("127.0.0.1", 0))
            self._sock.setblocking(False)
            folder = Path(tempfile.mkdtemp(prefix="drill-attack-udp-"))
            self._copy = self.submission = folder / self.submission.name
            self._copy.write_text(text.replace("\nPORT = 0", f"\nPORT = {self._sock.getsockname()[1]}"))
            os.chmod(folder, 0o755)
            os.chmod(self._copy, 0o644)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sock is not None:
            while True:
                try:
                    self.received.append(self._sock.recv(256).decode("utf-8", "replace"))
                except BlockingIOError:
                    break
            self._sock.close()
        if self._copy is not None:
            shutil.rmtree(self._copy.parent, ignore_errors=True)


def report_line(level: str, name: str, report: object = None, growth: int = 0, skipped: str = "",
                heard: list[str] | None = None) -> None:
    line: dict[str, object] = {"level": level, "fixture": name, "heard": heard or []}
    if skipped:
        line["skipped"] = skipped
    else:
        line.update({"verdict": str(report.verdict), "isolation": report.isolation,  # type: ignore[attr-defined]
                     "isolation_reason": report.isolation_reason,  # type: ignore[attr-defined]
                     "message": report.message,  # type: ignore[attr-defined]
                     "survivors": processes_with(marker_of(name.removeprefix("one-shot "))),
                     "peak_growth_kb": growth})
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
