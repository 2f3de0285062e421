"""Named, ordered schema migrations, each applied in its own transaction and recorded in `_migrations`.

Never edit a migration that has shipped; add a new one. The order of MIGRATIONS is the order applied.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone

from drillcli.errors import DrillError
from drillcli.store.tx import transaction

Migration = Callable[[sqlite3.Connection], None]


def m001_initial(db: sqlite3.Connection) -> None:
    """Card scheduling state and the review log."""
    db.execute(
        """CREATE TABLE card_state (
            card_id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due REAL NOT NULL,
            last_review REAL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE review (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at REAL NOT NULL,
            duration_ms INTEGER,
            state_before TEXT,
            state_after TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX review_card ON review (card_id, reviewed_at)")
    db.execute("CREATE INDEX card_state_due ON card_state (due)")


def m002_sessions_and_attempts(db: sqlite3.Connection) -> None:
    """Study sessions (so undo stays within a session) and coding-challenge attempts."""
    db.execute(
        """CREATE TABLE session (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL
        )"""
    )
    db.execute("ALTER TABLE review ADD COLUMN session_id INTEGER REFERENCES session (id)")
    db.execute("CREATE INDEX review_time ON review (reviewed_at)")
    db.execute(
        """CREATE TABLE attempt (
            id INTEGER PRIMARY KEY,
            challenge_id TEXT NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            verdict TEXT NOT NULL,
            passed INTEGER NOT NULL,
            total INTEGER NOT NULL,
            device TEXT NOT NULL,
            elapsed_ms REAL NOT NULL,
            runtime_ratio REAL,
            timed INTEGER NOT NULL DEFAULT 0,
            minutes REAL,
            file TEXT
        )"""
    )
    db.execute("CREATE INDEX attempt_challenge ON attempt (challenge_id, finished_at)")


def m003_early_reviews_and_latest(db: sqlite3.Connection) -> None:
    """Reviews given before the card was due are marked; a card's latest review is found by index (undo
    checks that the review it removes is still the card's latest)."""
    db.execute("ALTER TABLE review ADD COLUMN early INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX review_card_latest ON review (card_id, id)")


def m004_fsrs_parameters(db: sqlite3.Connection) -> None:
    """FSRS parameters fitted to the user's own reviews (`drill tune`); the newest active row is used."""
    db.execute(
        """CREATE TABLE fsrs_parameters (
            id INTEGER PRIMARY KEY,
            fitted_at REAL NOT NULL,
            parameters TEXT NOT NULL,
            reviews INTEGER NOT NULL,
            log_loss_before REAL,
            log_loss_after REAL,
            rmse_before REAL,
            rmse_after REAL,
            active INTEGER NOT NULL DEFAULT 1
        )"""
    )


def m005_challenge_states(db: sqlite3.Connection) -> None:
    """Coding challenges on a schedule: an FSRS state per challenge and the log of rated attempts."""
    from drillcli.store.challenge_states import create_schema  # here: challenge_states imports store.db

    create_schema(db)


def m006_mocks(db: sqlite3.Connection) -> None:
    """Mock interviews (`drill mock`): one row per mock, one per planned question, saved as it is answered."""
    db.execute(
        """CREATE TABLE mock (
            id INTEGER PRIMARY KEY,
            started_at REAL NOT NULL,
            finished_at REAL,
            minutes REAL NOT NULL,
            topic TEXT,
            seed INTEGER NOT NULL,
            status TEXT NOT NULL,
            score REAL,
            explain_score REAL,
            numeric_score REAL,
            coding_score REAL
        )"""
    )
    db.execute(
        """CREATE TABLE mock_item (
            mock_id INTEGER NOT NULL REFERENCES mock (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            area TEXT NOT NULL,
            item_id TEXT NOT NULL,
            status TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (mock_id, position)
        )"""
    )
    db.execute("CREATE INDEX mock_started ON mock (started_at)")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_initial", m001_initial),
    ("002_sessions_and_attempts", m002_sessions_and_attempts),
    ("003_early_reviews_and_latest", m003_early_reviews_and_latest),
    ("004_fsrs_parameters", m004_fsrs_parameters),
    ("005_challenge_states", m005_challenge_states),
    ("006_mocks", m006_mocks),
]


def applied(db: sqlite3.Connection) -> list[str]:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection, upto: str | None = None) -> list[str]:
    """Apply what is missing (up to and including `upto`); return the names applied now."""
    done = applied(db)
    known = [name for name, _ in MIGRATIONS]
    newer = [name for name in done if name not in known]
    if newer:
        raise DrillError(
            f"this database was written by a newer drillcli (migration {newer[-1]}); "
            "upgrade drillcli (pip install -U drillcli) or point DRILL_HOME elsewhere"
        )
    ran = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with transaction(db):  # one transaction per migration
            if name in applied(db):  # another drill starting at the same moment applied it first
                continue
            step(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(timezone.utc).isoformat()),
            )
        ran.append(name)
        if name == upto:
            break
    return ran
