"""Read-only queries the report needs over a long history, grouped and filtered in SQLite.

Every query reads a time range through the `review_time` index: a year of daily practice is 100,000 rows,
and the report needs only counts of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from drillcli.store.db import guarded_query
from drillcli.store.models import ReviewStats, to_ts

_COUNT_BETWEEN = "SELECT count(*) FROM review WHERE reviewed_at >= ? AND reviewed_at < ?"
_ANY_BETWEEN = "SELECT EXISTS (SELECT 1 FROM review WHERE reviewed_at >= ? AND reviewed_at < ?)"


@guarded_query
def grouped_reviews(db: sqlite3.Connection, *, since: datetime, first_day: date, today: date,
                    fails_since: datetime, also_active: Collection[date] = ()) -> ReviewStats:
    """Reviews counted from `since` (and their outcomes), per local day from `first_day` to `today`, Again
    per card from `fails_since`. `also_active`: days with other practice (challenge attempts), which carry
    the streak over a day without reviews, back past `first_day`."""
    per_day = _per_local_day(db, first_day, today)
    earlier = frozenset[date]()
    if per_day.get(first_day) or first_day in also_active:  # the streak may reach further back
        earlier = _active_run_before(db, first_day, also_active)
    return ReviewStats(
        total=int(db.execute("SELECT count(*) FROM review").fetchone()[0]),
        in_period=int(db.execute("SELECT count(*) FROM review WHERE reviewed_at >= ?", (to_ts(since),)).fetchone()[0]),
        per_day=per_day,
        outcomes=_outcomes(db, since),
        recent_fails=_fails(db, fails_since),
        earlier_days=earlier,
    )


def _midnight(day: date) -> float:
    """The timestamp of local midnight starting `day` (as SQLite's 'localtime' and Python's astimezone see it)."""
    return datetime.combine(day, time()).timestamp()


def _per_local_day(db: sqlite3.Connection, first: date, last: date) -> dict[date, int]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    edges = [_midnight(d) for d in days] + [_midnight(last + timedelta(days=1))]
    counts = {d: int(db.execute(_COUNT_BETWEEN, (edges[i], edges[i + 1])).fetchone()[0]) for i, d in enumerate(days)}
    return {d: n for d, n in counts.items() if n}


def _active_run_before(db: sqlite3.Connection, day: date, also_active: Collection[date]) -> frozenset[date]:
    """Walking back from the day before `day`: the days with a review, up to the first day with neither a
    review nor other practice."""
    found: set[date] = set()
    day -= timedelta(days=1)
    while True:
        reviewed = bool(db.execute(_ANY_BETWEEN, (_midnight(day), _midnight(day + timedelta(days=1)))).fetchone()[0])
        if not reviewed and day not in also_active:
            return frozenset(found)
        if reviewed:
            found.add(day)
        day -= timedelta(days=1)


def _outcomes(db: sqlite3.Connection, since: datetime) -> dict[str, tuple[int, int]]:
    # A state_before that is not JSON (a hand-edited row) counts as unknown instead of failing the report.
    rows = db.execute("SELECT card_id, sum(rating > 1), count(*) FROM review INDEXED BY review_time"
                      " WHERE reviewed_at >= ? AND CASE WHEN json_valid(state_before)"
                      " THEN json_extract(state_before, '$.state') END = 'review' GROUP BY card_id", (to_ts(since),))
    return {cid: (int(ok), int(n)) for cid, ok, n in rows}


def _fails(db: sqlite3.Connection, since: datetime) -> dict[str, int]:
    rows = db.execute("SELECT card_id, count(*) FROM review INDEXED BY review_time"
                      " WHERE reviewed_at >= ? AND rating = 1 GROUP BY card_id", (to_ts(since),))
    return {cid: int(n) for cid, n in rows}
