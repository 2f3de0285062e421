"""Every SQL statement of the application. Each write is its own committed transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from drillcli.store.db import connect
from drillcli.store.models import Attempt, CardState, Review, from_ts, to_ts
from drillcli.store.tx import transaction

_STATE_COLUMNS = "card_id, state, step, stability, difficulty, due, last_review, reps, lapses"


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
    def open(cls, path: Path) -> Store:
        return cls(connect(path))

    def close(self) -> None:
        self.db.close()

    # --- card states ---------------------------------------------------------------------------------

    def card_states(self) -> dict[str, CardState]:
        rows = self.db.execute(f"SELECT {_STATE_COLUMNS} FROM card_state")
        return {row[0]: _state_from_row(row) for row in rows}

    def seen_ids(self) -> set[str]:
        """Ids of every card that has been reviewed at least once."""
        return {row[0] for row in self.db.execute("SELECT card_id FROM card_state")}

    def due_states(self, now: datetime) -> dict[str, CardState]:
        """States of the cards due at `now`, most overdue first."""
        rows = self.db.execute(f"SELECT {_STATE_COLUMNS} FROM card_state WHERE due <= ? ORDER BY due", (to_ts(now),))
        return {row[0]: _state_from_row(row) for row in rows}

    def card_state(self, card_id: str) -> CardState | None:
        row = self.db.execute(f"SELECT {_STATE_COLUMNS} FROM card_state WHERE card_id = ?",
                              (card_id,)).fetchone()
        return _state_from_row(row) if row else None

    # --- reviews -------------------------------------------------------------------------------------

    def record_review(
        self,
        *,
        rating: int,
        reviewed_at: datetime,
        duration_ms: int | None,
        before: CardState | None,
        after: CardState,
        session_id: int | None,
    ) -> int:
        """Save one grade and the card's new state together, committed before returning."""
        with transaction(self.db):
            cur = self.db.execute(
                "INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
                " session_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (after.card_id, rating, to_ts(reviewed_at), duration_ms,
                 before.to_json() if before else None, after.to_json(), session_id),
            )
            self.db.execute(f"INSERT OR REPLACE INTO card_state ({_STATE_COLUMNS}) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _state_params(after))
        return int(cur.lastrowid or 0)

    def undo_last_review(self, session_id: int) -> Review | None:
        """Delete the session's last review and restore the card's previous state."""
        with transaction(self.db):
            row = self.db.execute(
                "SELECT id, card_id, rating, reviewed_at, duration_ms, state_before, state_after, session_id"
                " FROM review WHERE session_id = ? ORDER BY id DESC LIMIT 1", (session_id,)).fetchone()
            if row is None:
                return None
            review = _review_from_row(row)
            self.db.execute("DELETE FROM review WHERE id = ?", (review.id,))
            if review.state_before is None:
                self.db.execute("DELETE FROM card_state WHERE card_id = ?", (review.card_id,))
            else:
                self.db.execute(f"INSERT OR REPLACE INTO card_state ({_STATE_COLUMNS}) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _state_params(review.state_before))
        return review

    def reviews_since(self, since: datetime) -> list[Review]:
        rows = self.db.execute(
            "SELECT id, card_id, rating, reviewed_at, duration_ms, state_before, state_after, session_id"
            " FROM review WHERE reviewed_at >= ? ORDER BY id", (to_ts(since),))
        return [_review_from_row(r) for r in rows]

    def review_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM review").fetchone()[0])

    def new_cards_since(self, since: datetime) -> int:
        """How many cards got their first review at or after `since` (the daily new-card budget)."""
        row = self.db.execute("SELECT count(*) FROM review WHERE state_before IS NULL AND reviewed_at >= ?",
                              (to_ts(since),)).fetchone()
        return int(row[0])

    def review_rows(self) -> Iterable[tuple[str, int, float, str | None]]:
        """(card_id, rating, reviewed_at, state_before.state) for every review, oldest first."""
        return self.db.execute(
            "SELECT card_id, rating, reviewed_at, json_extract(state_before, '$.state') FROM review ORDER BY id")

    def review_days(self) -> list[float]:
        return [r[0] for r in self.db.execute("SELECT reviewed_at FROM review ORDER BY reviewed_at")]

    # --- sessions ------------------------------------------------------------------------------------

    def start_session(self, kind: str, now: datetime) -> int:
        with transaction(self.db):
            cur = self.db.execute("INSERT INTO session (kind, started_at) VALUES (?, ?)", (kind, to_ts(now)))
        return int(cur.lastrowid or 0)

    def end_session(self, session_id: int, now: datetime) -> None:
        with transaction(self.db):
            self.db.execute("UPDATE session SET ended_at = ? WHERE id = ?", (to_ts(now), session_id))

    # --- attempts ------------------------------------------------------------------------------------

    def record_attempt(self, attempt: Attempt) -> int:
        with transaction(self.db):
            cur = self.db.execute(
                "INSERT INTO attempt (challenge_id, started_at, finished_at, verdict, passed, total, device,"
                " elapsed_ms, runtime_ratio, timed, minutes, file) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (attempt.challenge_id, to_ts(attempt.started_at), to_ts(attempt.finished_at), attempt.verdict,
                 attempt.passed, attempt.total, attempt.device, attempt.elapsed_ms, attempt.runtime_ratio,
                 int(attempt.timed), attempt.minutes, attempt.file))
        return int(cur.lastrowid or 0)

    def attempts(self) -> list[Attempt]:
        rows = self.db.execute(
            "SELECT challenge_id, started_at, finished_at, verdict, passed, total, device, elapsed_ms,"
            " runtime_ratio, timed, minutes, file, id FROM attempt ORDER BY id")
        return [Attempt(r[0], from_ts(r[1]), from_ts(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]),
                        r[10], r[11], r[12]) for r in rows]


def _review_from_row(row: tuple) -> Review:  # type: ignore[type-arg]
    rid, card_id, rating, reviewed_at, duration_ms, before, after, session_id = row
    return Review(
        id=rid, card_id=card_id, rating=rating, reviewed_at=from_ts(reviewed_at), duration_ms=duration_ms,
        state_before=CardState.from_json(before) if before else None,
        state_after=CardState.from_json(after), session_id=session_id,
    )
