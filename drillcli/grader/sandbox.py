"""The guard inside the submission's process: which code is watched for forbidden calls.

The worker turns the guard on while the submission's own code runs (its import, the driver and every
call into it). `trusted()` turns it off for code of ours that runs in between, so a challenge's
`driver.py` may use autograd or build modules that the submission may not::

    from drillcli.grader.sandbox import trusted

    def train(entry, x):
        model = entry(4, 8, 2)
        with trusted():
            loss = model(x).sum()
            loss.backward()
        ...
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ForbiddenCall(RuntimeError):
    """Raised in the submission when it calls an API the challenge forbids."""


class _Guard:
    def __init__(self) -> None:
        self.watching = False
        self.trusted_depth = 0
        self.calls: list[str] = []
        self.lock = threading.Lock()
        # Told at once about each new violation, so it survives a crash right after.
        self.on_violation: Callable[[str], None] | None = None

    @property
    def armed(self) -> bool:
        return self.watching and self.trusted_depth == 0

    def violation(self, name: str) -> None:
        with self.lock:
            new = name not in self.calls
            if new:
                self.calls.append(name)
        if new and self.on_violation is not None:
            self.on_violation(name)
        raise ForbiddenCall(f"{name} is forbidden in this challenge")


GUARD = _Guard()


@contextmanager
def trusted() -> Iterator[None]:
    """Suspend forbidden-API checks: for the grader's own code inside the submission's process."""
    GUARD.trusted_depth += 1
    try:
        yield
    finally:
        GUARD.trusted_depth -= 1


@contextmanager
def watching() -> Iterator[None]:
    """Check every call against the forbidden set (the submission's code runs inside)."""
    before = GUARD.watching
    GUARD.watching = True
    try:
        yield
    finally:
        GUARD.watching = before
