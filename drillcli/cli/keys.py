"""Reading single keys and lines: raw keys on a terminal, plain characters from a pipe (tests, scripts)."""

from __future__ import annotations

import contextlib
import os
import select
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from drillcli.errors import DrillError

ENTER = "\n"
SPACE = " "
ESC = "\x1b"


class KeyReader:
    """`key()` waits for one key; `line()` reads a typed answer up to Enter.

    On a terminal, keys arrive without Enter (cbreak mode, Ctrl-C still interrupts). From a pipe each
    character is a key. End of input behaves like `q`, so a script can never hang a session.
    """

    def __init__(self, stream=None) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream or sys.stdin
        if self.stream is None:  # started with stdin closed (`drill <&-`): Python leaves sys.stdin None
            raise DrillError("stdin is closed: run drill in a terminal, or pipe the keys into it")
        self.tty = self.stream.isatty()
        self._fd = self.stream.fileno() if self.tty else None

    def key(self, timeout: float | None = None) -> str | None:
        """One key ('\\n' for Enter, ' ' for space), 'q' at end of input, None if `timeout` passed."""
        with self._cbreak():
            if timeout is not None and not self._ready(timeout):
                return None
            ch = self._read_char()
        if ch == "":
            return "q"
        if ch == "\r":
            return ENTER
        if ch == ESC:
            self._drain_escape()
        return ch

    def line(self, prompt: str = "", out: IO[str] | None = None) -> str | None:
        """A typed line without its newline; None at end of input. Off a terminal the prompt goes to `out`
        (the session's console file), so in-process tests see it where they see the screen."""
        if self.tty:
            return self._tty_line(prompt)
        if prompt:
            target = out or sys.stdout
            target.write(prompt)
            target.flush()
        chars: list[str] = []
        while True:
            ch = self._read_char()
            if ch == "":
                return "".join(chars) if chars else None
            if ch in ("\n", "\r"):
                return "".join(chars)
            chars.append(ch)

    def _tty_line(self, prompt: str) -> str | None:
        """A line with editing (arrows, backspace, history) where readline exists; None at end of input."""
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - importing it gives input() line editing
        try:
            return input(prompt)  # readline knows the prompt, so editing keeps it on screen
        except EOFError:
            return None

    def _read_char(self) -> str:
        if self.tty:
            assert self._fd is not None
            return os.read(self._fd, 1).decode(errors="replace")
        return self.stream.read(1)

    def _ready(self, timeout: float) -> bool:
        try:
            ready, _, _ = select.select([self.stream], [], [], timeout)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def _drain_escape(self) -> None:
        while self.tty and self._ready(0.01):
            self._read_char()

    @contextmanager
    def _cbreak(self) -> Iterator[None]:
        if not self.tty:
            yield
            return
        import termios
        import tty

        assert self._fd is not None
        saved = termios.tcgetattr(self._fd)
        try:
            tty.setcbreak(self._fd, termios.TCSANOW)  # TCSANOW: keys typed ahead are kept
            yield
        finally:
            termios.tcsetattr(self._fd, termios.TCSANOW, saved)
