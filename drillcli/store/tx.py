"""Explicit transactions on an autocommit connection (isolation_level=None)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from drillcli.errors import DrillError


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (Ctrl-C included).

    A database still locked by another process after the busy timeout is a `DrillError`: nothing of this
    transaction is saved, everything committed before it is.
    """
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise DrillError(f"cannot save: the database is busy ({exc}); is another drill writing to it?") from None
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
