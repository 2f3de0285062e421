"""`drill code softmax` on a pty: time to the prompt on screen, to the grader ready, and from a save to its
verdict on screen, against `drill --help` in the same run (target: the prompt within 0.5 s).

Run: python bench/code_start.py [runs]
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import drill_argv, time_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOFTMAX = ROOT / "questions" / "challenges" / "softmax"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
PROMPT = "Every save is graded"
TIMEOUT_S = 120


class Screen:
    """`drill ARGS` on a pty; `when(text)` is the moment `text` first appeared, in seconds from the start."""

    def __init__(self, args: list[str], home: Path) -> None:
        env = {**os.environ, "DRILL_HOME": str(home), "TERM": "xterm", "COLUMNS": "120", "NO_COLOR": "1"}
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            argv = [*drill_argv(), *args]
            os.execvpe(argv[0], argv, env)
        self.text = ""
        self.seen: dict[str, float] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.text += ANSI.sub("", chunk.decode("utf-8", "replace"))

    def when(self, needle: str, after: int = 0) -> tuple[float, int]:
        """Seconds from the start until `needle` shows up past position `after`; and where it ended."""
        deadline = time.perf_counter() + TIMEOUT_S
        while time.perf_counter() < deadline:
            at = self.text.find(needle, after)
            if at >= 0:
                return time.perf_counter() - self.started, at + len(needle)
            time.sleep(0.002)
        raise SystemExit(f"{needle!r} never appeared:\n{self.text[-2000:]}")

    def stop(self) -> None:
        os.write(self.fd, b"\x03")
        deadline = time.perf_counter() + 30
        while os.waitpid(self.pid, os.WNOHANG)[0] == 0:
            if time.perf_counter() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self.fd)


def one_run(home: Path) -> dict[str, float]:
    shutil.rmtree(home, ignore_errors=True)
    workspace = home / "workspace" / "softmax.py"
    screen = Screen(["code", "softmax", "--device", "cpu", "--minutes", "10", "--fresh"], home)
    try:
        prompt, _ = screen.when(PROMPT)
        ready, at = screen.when("grader ready")
        saved = time.perf_counter() - screen.started
        workspace.write_bytes((SOFTMAX / "mutants" / "naive_exp.py").read_bytes())
        wrong, at = screen.when("wrong_answer", at)
        saved_right = time.perf_counter() - screen.started
        workspace.write_bytes((SOFTMAX / "reference.py").read_bytes())
        right, _ = screen.when("✓ accepted", at)
    finally:
        screen.stop()
    return {"prompt_ms": prompt * 1000, "ready_ms": ready * 1000, "verdict_ms": (wrong - saved) * 1000,
            "accepted_ms": (right - saved_right) * 1000}


def cold_save(home: Path) -> float:
    """A save made the moment the prompt shows: its verdict waits for the warm-up (visibly)."""
    shutil.rmtree(home, ignore_errors=True)
    screen = Screen(["code", "softmax", "--device", "cpu", "--minutes", "10", "--fresh"], home)
    try:
        _, at = screen.when(PROMPT)
        saved = time.perf_counter() - screen.started
        (home / "workspace" / "softmax.py").write_bytes((SOFTMAX / "mutants" / "naive_exp.py").read_bytes())
        verdict, _ = screen.when("wrong_answer", at)
    finally:
        screen.stop()
    return (verdict - saved) * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    help_ms = time_command([*drill_argv(), "--help"], runs)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        samples = [one_run(home) for _ in range(runs)]
        cold_ms = cold_save(home)
    med = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
    print(f"median of {runs} runs: drill --help {help_ms:.0f} ms; drill code softmax: prompt on screen "
          f"{med['prompt_ms']:.0f} ms, grader ready {med['ready_ms']:.0f} ms; save to verdict on screen "
          f"{med['verdict_ms']:.0f} ms (wrong answer), {med['accepted_ms']:.0f} ms (accepted, with the speed "
          f"ratio); a save at the prompt {cold_ms:.0f} ms")
    print(f"help_ms={help_ms:.0f} prompt_ms={med['prompt_ms']:.0f} prompt_ratio={med['prompt_ms'] / help_ms:.2f} "
          f"ready_ms={med['ready_ms']:.0f} verdict_ms={med['verdict_ms']:.0f} accepted_ms={med['accepted_ms']:.0f} "
          f"cold_save_ms={cold_ms:.0f}")


if __name__ == "__main__":
    main()
