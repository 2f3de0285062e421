"""Explicit transactions on an autocommit connection (isolation_level=None)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from drillcli.errors import DrillError


class StoreBusy(DrillError):
    """Another process held the database past the busy timeout; nothing of this write was saved.

    A caller that can wait (a session with a grade on screen) catches it and tries again.
    """


def is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def busy_error(exc: sqlite3.Error) -> StoreBusy:
    return StoreBusy(f"the database is busy ({exc}); is another drill writing to it?")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (Ctrl-C included).

    IMMEDIATE takes the write lock first, so what is read inside the transaction is what the write is based
    on: no other process can write in between. A database still locked by another process after the busy
    timeout is `StoreBusy`: nothing of this transaction is saved, everything committed before it is.
    """
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise busy_error(exc) from None
        raise
    try:
        yield db
    except BaseException:
        _rollback(db)
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        _rollback(db)
        if is_busy(exc):
            raise busy_error(exc) from None
        raise


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # a damaged file may refuse even this; the first error matters
            db.execute("ROLLBACK")
