"""Read-only queries the report needs over a long history, grouped and filtered in SQLite."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from drillcli.store.db import guarded_query
from drillcli.store.models import from_ts, to_ts


@guarded_query
def reviews_per_local_day(db: sqlite3.Connection) -> dict[date, int]:
    """Reviews on each local calendar day, over the whole history."""
    rows = db.execute("SELECT date(reviewed_at, 'unixepoch', 'localtime') AS d, count(*) FROM review GROUP BY d")
    return {date.fromisoformat(d): n for d, n in rows}


@guarded_query
def review_total(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM review").fetchone()[0])


@guarded_query
def reviews_since(db: sqlite3.Connection, since: datetime) -> list[tuple[str, int, datetime, str | None]]:
    """(card_id, rating, reviewed_at, state before) of the reviews at or after `since`, oldest first."""
    rows = db.execute("SELECT card_id, rating, reviewed_at, json_extract(state_before, '$.state') FROM review"
                      " WHERE reviewed_at >= ? ORDER BY reviewed_at, id", (to_ts(since),))
    return [(c, r, from_ts(t), s) for c, r, t, s in rows]
