"""Every SQL statement of the application. Each write is its own committed transaction, or runs inside
`Store.write()` when what it writes depends on what it reads (a grade, an undo)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from drillcli.store import db as db_module
from drillcli.store.db import connect, database_path, explain, guarded
from drillcli.store.models import Attempt, CardState, Review, Undone, UndoStatus, from_ts, to_ts
from drillcli.store.tx import transaction

_STATE_COLUMNS = "card_id, state, step, stability, difficulty, due, last_review, reps, lapses"
_REVIEW_COLUMNS = ("id, card_id, rating, reviewed_at, duration_ms, state_before, state_after, session_id,"
                   " early")


def _state_from_row(row: tuple) -> CardState:  # type: ignore[type-arg]
    card_id, state, step, stability, difficulty, due, last_review, reps, lapses = row
    return CardState(
        card_id=card_id, state=state, step=step, stability=stability, difficulty=difficulty,
        due=from_ts(due), last_review=from_ts(last_review) if last_review is not None else None,
        reps=reps, lapses=lapses,
    )


def _state_params(s: CardState) -> tuple:  # type: ignore[type-arg]
    return (s.card_id, s.state, s.step, s.stability, s.difficulty, to_ts(s.due),
            to_ts(s.last_review) if s.last_review else None, s.reps, s.lapses)


class Store:
    """The user's history: card states, reviews, sessions and challenge attempts."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int | None = None) -> Store:
        return cls(connect(path, busy_timeout_ms=busy_timeout_ms or db_module.BUSY_TIMEOUT_MS))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE): no other process writes between its reads and writes.

        Raises `StoreBusy` when another process holds the database past the busy timeout.
        """
        try:
            with transaction(self.db):
                yield
        except sqlite3.DatabaseError as exc:
            raise explain(database_path(self.db), exc) from None

    # --- card states ---------------------------------------------------------------------------------

    @guarded
    def card_states(self) -> dict[str, CardState]:
        rows = self.db.execute(f"SELECT {_STATE_COLUMNS} FROM card_state").fetchall()
        return {row[0]: _state_from_row(row) for row in rows}

    @guarded
    def due_times(self) -> dict[str, datetime]:
        """When each reviewed card is due (cheaper than `card_states` for counts and the next due time)."""
        return {cid: from_ts(due) for cid, due in self.db.execute("SELECT card_id, due FROM card_state").fetchall()}

    @guarded
    def seen_ids(self) -> set[str]:
        """Ids of every card that has been reviewed at least once."""
        return {row[0] for row in self.db.execute("SELECT card_id FROM card_state").fetchall()}

    @guarded
    def due_states(self, now: datetime) -> dict[str, CardState]:
        """States of the cards due at `now`, most overdue first."""
        rows = self.db.execute(f"SELECT {_STATE_COLUMNS} FROM card_state WHERE due <= ? ORDER BY due",
                               (to_ts(now),)).fetchall()
        return {row[0]: _state_from_row(row) for row in rows}

    @guarded
    def card_state(self, card_id: str) -> CardState | None:
        row = self.db.execute(f"SELECT {_STATE_COLUMNS} FROM card_state WHERE card_id = ?",
                              (card_id,)).fetchone()
        return _state_from_row(row) if row else None

    # --- reviews -------------------------------------------------------------------------------------

    @guarded
    def insert_review(
        self,
        *,
        rating: int,
        reviewed_at: datetime,
        duration_ms: int | None,
        before: CardState | None,
        after: CardState,
        session_id: int | None,
        early: bool = False,
    ) -> int:
        """One grade and the card's new state; call inside `write()` so both land together."""
        cur = self.db.execute(
            "INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
            " session_id, early) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (after.card_id, rating, to_ts(reviewed_at), duration_ms,
             before.to_json() if before else None, after.to_json(), session_id, int(early)),
        )
        self.db.execute(f"INSERT OR REPLACE INTO card_state ({_STATE_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _state_params(after))
        return int(cur.lastrowid or 0)

    def record_review(
        self,
        *,
        rating: int,
        reviewed_at: datetime,
        duration_ms: int | None,
        before: CardState | None,
        after: CardState,
        session_id: int | None,
        early: bool = False,
    ) -> int:
        """Save one grade and the card's new state together, committed before returning."""
        with self.write():
            return self.insert_review(rating=rating, reviewed_at=reviewed_at, duration_ms=duration_ms,
                                      before=before, after=after, session_id=session_id, early=early)

    @guarded
    def latest_review_id(self, card_id: str) -> int | None:
        row = self.db.execute("SELECT max(id) FROM review WHERE card_id = ?", (card_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    @guarded
    def review(self, review_id: int) -> Review | None:
        row = self.db.execute(f"SELECT {_REVIEW_COLUMNS} FROM review WHERE id = ?", (review_id,)).fetchone()
        return _review_from_row(row) if row else None

    def undo_review(self, review_id: int) -> Undone:
        """Delete a review and restore the state stored with it, only while it is still its card's latest.

        A card graded since (by another session on the same DRILL_HOME) keeps that newer state: nothing is
        deleted and the status says so.
        """
        with self.write():
            found = self.review(review_id)
            if found is None:
                return Undone(UndoStatus.GONE, None)
            if self.latest_review_id(found.card_id) != review_id:
                return Undone(UndoStatus.SUPERSEDED, found)
            self._delete_review(found)
        return Undone(UndoStatus.UNDONE, found)

    @guarded
    def _delete_review(self, found: Review) -> None:
        self.db.execute("DELETE FROM review WHERE id = ?", (found.id,))
        if found.state_before is None:
            self.db.execute("DELETE FROM card_state WHERE card_id = ?", (found.card_id,))
        else:
            self.db.execute(f"INSERT OR REPLACE INTO card_state ({_STATE_COLUMNS}) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _state_params(found.state_before))

    @guarded
    def reviews_since(self, since: datetime) -> list[Review]:
        rows = self.db.execute(f"SELECT {_REVIEW_COLUMNS} FROM review WHERE reviewed_at >= ? ORDER BY id",
                               (to_ts(since),)).fetchall()
        return [_review_from_row(r) for r in rows]

    @guarded
    def review_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM review").fetchone()[0])

    @guarded
    def new_cards_since(self, since: datetime) -> int:
        """How many cards got their first review at or after `since` (the daily new-card budget)."""
        row = self.db.execute("SELECT count(*) FROM review WHERE state_before IS NULL AND reviewed_at >= ?",
                              (to_ts(since),)).fetchone()
        return int(row[0])

    @guarded
    def review_rows(self) -> list[tuple[str, int, float, str | None]]:
        """(card_id, rating, reviewed_at, state_before.state) for every review, oldest first."""
        return self.db.execute(
            "SELECT card_id, rating, reviewed_at, json_extract(state_before, '$.state') FROM review ORDER BY id"
        ).fetchall()

    @guarded
    def review_days(self) -> list[float]:
        return [r[0] for r in self.db.execute("SELECT reviewed_at FROM review ORDER BY reviewed_at").fetchall()]

    # --- sessions ------------------------------------------------------------------------------------

    def start_session(self, kind: str, now: datetime) -> int:
        with self.write():
            return self.insert_session(kind, now)

    @guarded
    def insert_session(self, kind: str, now: datetime) -> int:
        """A session row, inside the caller's `write()` (a session is recorded with its first grade)."""
        cur = self.db.execute("INSERT INTO session (kind, started_at) VALUES (?, ?)", (kind, to_ts(now)))
        return int(cur.lastrowid or 0)

    def end_session(self, session_id: int, now: datetime) -> None:
        with self.write():
            self.db.execute("UPDATE session SET ended_at = ? WHERE id = ?", (to_ts(now), session_id))

    # --- attempts ------------------------------------------------------------------------------------

    def record_attempt(self, attempt: Attempt) -> int:
        with self.write():
            cur = self.db.execute(
                "INSERT INTO attempt (challenge_id, started_at, finished_at, verdict, passed, total, device,"
                " elapsed_ms, runtime_ratio, timed, minutes, file) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (attempt.challenge_id, to_ts(attempt.started_at), to_ts(attempt.finished_at), attempt.verdict,
                 attempt.passed, attempt.total, attempt.device, attempt.elapsed_ms, attempt.runtime_ratio,
                 int(attempt.timed), attempt.minutes, attempt.file))
        return int(cur.lastrowid or 0)

    @guarded
    def attempts(self) -> list[Attempt]:
        rows = self.db.execute(
            "SELECT challenge_id, started_at, finished_at, verdict, passed, total, device, elapsed_ms,"
            " runtime_ratio, timed, minutes, file, id FROM attempt ORDER BY id").fetchall()
        return [Attempt(r[0], from_ts(r[1]), from_ts(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]),
                        r[10], r[11], r[12]) for r in rows]


def _review_from_row(row: tuple) -> Review:  # type: ignore[type-arg]
    rid, card_id, rating, reviewed_at, duration_ms, before, after, session_id, early = row
    return Review(
        id=rid, card_id=card_id, rating=rating, reviewed_at=from_ts(reviewed_at), duration_ms=duration_ms,
        state_before=CardState.from_json(before) if before else None,
        state_after=CardState.from_json(after), session_id=session_id, early=bool(early),
    )
