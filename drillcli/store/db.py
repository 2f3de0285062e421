"""Opening the database: WAL, a busy timeout so two terminals wait for each other, migrations applied.

Every failure of SQLite, wherever it happens (opening, a migration, a query that meets a damaged page in
the middle of the file), becomes one `DrillError` through `explain`.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from drillcli.errors import DrillError
from drillcli.store.migrations import migrate
from drillcli.store.tx import busy_error, is_busy

BUSY_TIMEOUT_MS = 5000

F = TypeVar("F", bound=Callable[..., Any])


def connect(path: Path, *, apply_migrations: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """An autocommit connection with the schema up to date; clear errors for every way it can fail."""
    _ensure_folder(path.parent)
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if apply_migrations:
            migrate(db)
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None
    return db


def connect_read_only(path: Path) -> sqlite3.Connection:
    """The database as it is, for reading where DRILL_HOME cannot be written (a backup, a read-only mount):
    nothing is created or migrated. A schema older than this drillcli's is one clear error."""
    from drillcli.store.migrations import MIGRATIONS, applied

    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?immutable=1", uri=True, isolation_level=None)
        done = applied(db) if db.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone() \
            else []
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None
    if done != [name for name, _ in MIGRATIONS]:
        db.close()
        raise DrillError(f"{path} is read-only and its schema is not this drillcli's ({len(done)} of "
                         f"{len(MIGRATIONS)} migrations); open it once where it can be written")
    return db


def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DrillError(f"cannot create DRILL_HOME {folder}: {exc.strerror or exc}") from None
    try:  # a probe of its own (mkstemp), so two drills starting together never race on one name
        handle, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise DrillError(
            f"DRILL_HOME {folder} is not writable ({exc.strerror or exc}); "
            "set DRILL_HOME to a folder you can write"
        ) from None


def explain(path: Path | str, exc: sqlite3.Error) -> DrillError:
    """One clear line for a SQLite error; a busy database is `StoreBusy`, which a caller may retry."""
    text = str(exc)
    if is_busy(exc):
        return busy_error(exc)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DrillError(
            f"the database {path} is damaged ({text}); move it aside to start afresh, "
            "your bank is untouched"
        )
    if "readonly" in text or "unable to open" in text:
        return DrillError(f"cannot write the database {path} ({text})")
    return DrillError(f"database error in {path}: {text}")


def database_path(db: sqlite3.Connection) -> str:
    try:
        row = db.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return "drill.db"
    return str(row[2]) if row and row[2] else "drill.db"


def guarded(method: F) -> F:
    """A `Store` method whose SQLite errors (a damaged page met mid-query included) are one clear error."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise explain(database_path(self.db), exc) from None

    return wrapper  # type: ignore[return-value]


def guarded_query(function: F) -> F:
    """A query function taking the connection first, whose SQLite errors are one clear error too."""

    @functools.wraps(function)
    def wrapper(db: sqlite3.Connection, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(db, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise explain(database_path(db), exc) from None

    return wrapper  # type: ignore[return-value]
