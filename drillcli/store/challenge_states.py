"""Coding challenges on a schedule: each challenge's FSRS state and the log of its rated attempts.

A challenge is scheduled like a card: an attempt is a review whose rating comes from the attempt (proposed)
and may be changed by the user (chosen). The state lives in `challenge_state` (the columns of `card_state`),
each rated attempt in `challenge_review` with the state before and after, so one can be taken back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from drillcli.store.db import database_path, explain
from drillcli.store.models import CardState, from_ts, to_ts
from drillcli.store.tx import transaction

_STATE_COLUMNS = "challenge_id, state, step, stability, difficulty, due, last_review, reps, lapses"
_REVIEW_COLUMNS = ("id, challenge_id, rating, proposed, reviewed_at, attempt_id, solve_s, minutes, hints,"
                   " state_before, state_after")


def create_schema(db: sqlite3.Connection) -> None:
    """The tables of migration 005 (never change this once shipped: add a migration instead)."""
    db.execute(
        """CREATE TABLE challenge_state (
            challenge_id TEXT PRIMARY KEY,
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
        """CREATE TABLE challenge_review (
            id INTEGER PRIMARY KEY,
            challenge_id TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            proposed INTEGER NOT NULL CHECK (proposed BETWEEN 1 AND 4),
            reviewed_at REAL NOT NULL,
            attempt_id INTEGER REFERENCES attempt (id),
            solve_s REAL,
            minutes REAL,
            hints INTEGER NOT NULL DEFAULT 0,
            state_before TEXT,
            state_after TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX challenge_state_due ON challenge_state (due)")
    db.execute("CREATE INDEX challenge_review_time ON challenge_review (reviewed_at)")
    db.execute("CREATE INDEX challenge_review_latest ON challenge_review (challenge_id, id)")


@dataclass(frozen=True)
class ChallengeReview:
    """One rated attempt. `solve_s`: seconds from the start to the accepted save (None: not accepted)."""

    id: int
    challenge_id: str
    rating: int
    proposed: int
    reviewed_at: datetime
    attempt_id: int | None
    solve_s: float | None
    minutes: float | None
    hints: int
    state_before: CardState | None
    state_after: CardState


def challenge_states(db: sqlite3.Connection) -> dict[str, CardState]:
    """Every scheduled challenge's state (`CardState.card_id` holds the challenge id)."""
    rows = _read(db, f"SELECT {_STATE_COLUMNS} FROM challenge_state")
    return {row[0]: _state_from_row(row) for row in rows}


def challenge_state(db: sqlite3.Connection, challenge_id: str) -> CardState | None:
    rows = _read(db, f"SELECT {_STATE_COLUMNS} FROM challenge_state WHERE challenge_id = ?", (challenge_id,))
    return _state_from_row(rows[0]) if rows else None


def record_challenge_review(db: sqlite3.Connection, *, rating: int, proposed: int, reviewed_at: datetime,
                            before: CardState | None, after: CardState, attempt_id: int | None = None,
                            solve_s: float | None = None, minutes: float | None = None,
                            hints: int = 0) -> int:
    """Save one rated attempt and the challenge's new state together; returns the review's id."""
    try:
        with transaction(db):
            cur = db.execute(
                f"INSERT INTO challenge_review ({_REVIEW_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (after.card_id, rating, proposed, to_ts(reviewed_at), attempt_id, solve_s, minutes, hints,
                 before.to_json() if before else None, after.to_json()))
            db.execute(f"INSERT OR REPLACE INTO challenge_state ({_STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       _state_params(after))
    except sqlite3.DatabaseError as exc:
        raise explain(database_path(db), exc) from None
    return int(cur.lastrowid or 0)


def challenge_reviews(db: sqlite3.Connection, since: datetime | None = None) -> list[ChallengeReview]:
    """Rated attempts, oldest first; only those at or after `since` when given."""
    where, args = ("WHERE reviewed_at >= ?", (to_ts(since),)) if since is not None else ("", ())
    rows = _read(db, f"SELECT {_REVIEW_COLUMNS} FROM challenge_review {where} ORDER BY id", args)
    return [_review_from_row(r) for r in rows]


def _read(db: sqlite3.Connection, sql: str, args: tuple[object, ...] = ()) -> list[tuple]:  # type: ignore[type-arg]
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as exc:
        raise explain(database_path(db), exc) from None


def _state_from_row(row: tuple) -> CardState:  # type: ignore[type-arg]
    cid, state, step, stability, difficulty, due, last_review, reps, lapses = row
    return CardState(cid, state, step, stability, difficulty, from_ts(due),
                     from_ts(last_review) if last_review is not None else None, reps, lapses)


def _state_params(s: CardState) -> tuple:  # type: ignore[type-arg]
    return (s.card_id, s.state, s.step, s.stability, s.difficulty, to_ts(s.due),
            to_ts(s.last_review) if s.last_review else None, s.reps, s.lapses)


def _review_from_row(row: tuple) -> ChallengeReview:  # type: ignore[type-arg]
    rid, cid, rating, proposed, at, attempt_id, solve_s, minutes, hints, before, after = row
    return ChallengeReview(rid, cid, rating, proposed, from_ts(at), attempt_id, solve_s, minutes, hints,
                           CardState.from_json(before) if before else None, CardState.from_json(after))


def latest_attempt_id(db: sqlite3.Connection, challenge_id: str) -> int | None:
    """The newest graded save of this challenge (the one a rating is given after)."""
    rows = _read(db, "SELECT max(id) FROM attempt WHERE challenge_id = ?", (challenge_id,))
    return int(rows[0][0]) if rows and rows[0][0] is not None else None
