"""`drill code` on a real terminal (a pty): the live status line, keys while grading, Ctrl-C."""

from __future__ import annotations

import os
import pty
import re
import shutil
import signal
import struct
import sys
import threading
import time
from pathlib import Path

import pytest

from drillcli.paths import bundled_challenges_dir

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
LOOPING = "import torch\n\n\ndef softmax(x, dim=-1):\n    while True:\n        pass\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class Terminal:
    """The real CLI on a pty 100 columns wide; `screen` is everything it wrote, escapes removed."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40", "NO_COLOR": "1"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(sys.executable, [sys.executable, "-m", "drillcli", *args], env)
        import fcntl
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.raw = b""
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.raw += chunk

    @property
    def screen(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def wait_for(self, text: str, timeout: float = 90) -> None:
        self.wait_for_any(text, timeout=timeout)

    def wait_for_any(self, *texts: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in texts:
                if text in self.screen:
                    return text
            time.sleep(0.05)
        raise AssertionError(f"none of {texts} appeared; the screen:\n{self.screen[-3000:]}")

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_exit(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._reader.join(timeout=5)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        raise AssertionError(f"still running; the screen:\n{self.screen[-3000:]}")

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def spin_bank(root: Path) -> Path:
    """A bank with a copy of softmax whose submissions may run 2 s."""
    folder = root / "challenges" / "spin"
    shutil.copytree(bundled_challenges_dir() / "softmax", folder)
    yaml = (folder / "challenge.yaml").read_text()
    yaml = yaml.replace("id: softmax", "id: spin").replace("time_limit_s: 20", "time_limit_s: 2")
    (folder / "challenge.yaml").write_text(yaml)
    return root


def test_the_prompt_comes_first_and_ctrl_c_stops_with_the_way_back(drill_home: Path) -> None:
    term = Terminal("code", "softmax", "--device", "cpu", "--minutes", "5")
    try:
        term.wait_for("Every save is graded")
        term.wait_for("grader ready")  # the live status line, drawn while the grader warmed up
        term.press("\x03")
        term.wait_for("Stopped.")
        assert term.wait_exit() == 0
    finally:
        term.kill()
    path = drill_home / "workspace" / "softmax.py"
    # The terminal may wrap the line anywhere, even inside a long path: compare without whitespace.
    flat = "".join(term.screen.split())
    assert "".join(f"Stopped. Your file stays at {path}; `drill code softmax` resumes it.".split()) in flat
    assert "Traceback" not in term.screen


def test_a_looping_submission_keeps_the_screen_alive_and_ends_as_time_limit(
        drill_home: Path, tmp_path: Path) -> None:
    bank = spin_bank(tmp_path / "bank")
    term = Terminal("--bank", str(bank), "code", "spin", "--device", "cpu", "--minutes", "5")
    try:
        term.wait_for("grader ready")
        (drill_home / "workspace" / "spin.py").write_text(LOOPING)
        term.wait_for("grading…")
        term.press("h")  # keys work while the save is graded
        term.wait_for("Hint 1/3")
        term.wait_for("time_limit")
        assert "accepted" not in term.screen
        seen = set(re.findall(r"⏱ (\d\d:\d\d)  ·  grading… (\d+\.\d) s", term.screen))
        assert len({clock for clock, _ in seen}) >= 2, seen  # the countdown moved while it was graded
        assert term.screen.index("Hint 1/3") < term.screen.index("time_limit")
        term.press("g")
        if term.wait_for_any("Enter keeps it", "reference: spin") == "Enter keeps it":
            term.press("\r")  # the attempt's rating, as proposed
        term.wait_for("reference: spin")
        term.wait_for("d your file beside the reference")
        term.press("d")
        term.wait_for("your file")
        assert term.wait_exit() == 0
    finally:
        term.kill()
    assert "while True:" in term.screen.split("your file")[-1]  # the diff shows the user's own lines
