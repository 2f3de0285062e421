"""Opening the database: WAL, a busy timeout so two terminals wait for each other, migrations applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from drillcli.errors import DrillError
from drillcli.store.migrations import migrate

BUSY_TIMEOUT_MS = 5000


def connect(path: Path, *, apply_migrations: bool = True) -> sqlite3.Connection:
    """An autocommit connection with the schema up to date; clear errors for every way it can fail."""
    _ensure_folder(path.parent)
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if apply_migrations:
            migrate(db)
    except sqlite3.DatabaseError as exc:
        raise _explain(path, exc) from None
    return db


def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DrillError(f"cannot create DRILL_HOME {folder}: {exc.strerror or exc}") from None
    probe = folder / ".write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DrillError(
            f"DRILL_HOME {folder} is not writable ({exc.strerror or exc}); "
            "set DRILL_HOME to a folder you can write"
        ) from None


def _explain(path: Path, exc: sqlite3.DatabaseError) -> DrillError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DrillError(f"the database {path} is locked by another drill process; try again when it ends")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DrillError(
            f"the database {path} is damaged ({text}); move it aside to start afresh, "
            "your bank is untouched"
        )
    if "readonly" in text or "unable to open" in text:
        return DrillError(f"cannot write the database {path} ({text})")
    return DrillError(f"database error in {path}: {text}")
