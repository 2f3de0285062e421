"""The one domain error type. Raised anywhere below the CLI, caught once at the top."""

from __future__ import annotations


class DrillError(Exception):
    """A problem the user can act on; printed as one line, exit status `exit_code`."""

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(DrillError):
    """The command itself was misused (unknown id, unreadable file): exit status 2."""

    exit_code = 2
