"""What the report needs from the review log, already aggregated, and the windows it reads.

A long history is grouped in SQLite (`drillcli.store.activity.review_stats`, given the windows below); a
list of rows (tests, small histories) is grouped here by `stats_from_rows`. Both give the same
`ReviewStats` (a store record), which a test checks.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from drillcli.store.activity import grouped_reviews
from drillcli.store.models import ReviewStats

HEATMAP_WEEKS = 12
RECENT_DAYS = 30  # "forgotten lately": Again ratings in this many days make a card weak


@dataclass(frozen=True)
class ReviewRow:
    card_id: str
    rating: int
    at: datetime
    state_before: str | None


def window_days(now: datetime) -> int:
    """How far back the heatmap reaches, in days (12 weeks, back to a Monday)."""
    return now.astimezone().date().weekday() + 7 * (HEATMAP_WEEKS - 1) + 1


def first_window_day(now: datetime) -> date:
    return now.astimezone().date() - timedelta(days=window_days(now) - 1)


def review_stats(db: sqlite3.Connection, now: datetime, days: int, also_active: Collection[date] = ()) -> ReviewStats:
    """The report's aggregates of the period of `days` days before `now`, grouped in SQLite over the
    heatmap's window; `also_active`: days with other practice (challenge attempts), for the streak."""
    return grouped_reviews(db, since=now - timedelta(days=days), first_day=first_window_day(now),
                           today=now.astimezone().date(), fails_since=now - timedelta(days=RECENT_DAYS),
                           also_active=also_active)


def stats_from_rows(rows: Iterable[ReviewRow], now: datetime, days: int) -> ReviewStats:
    """The same aggregates as the SQL side, from review rows (all of them, or at least the period's and the
    heatmap window's)."""
    rows = list(rows)
    period_start = now - timedelta(days=days)
    recent_start = now - timedelta(days=RECENT_DAYS)
    outcomes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if r.at >= period_start and r.state_before == "review":
            outcomes[r.card_id][0] += r.rating > 1
            outcomes[r.card_id][1] += 1
    return ReviewStats(
        total=len(rows),
        in_period=sum(1 for r in rows if r.at >= period_start),
        per_day=dict(Counter(r.at.astimezone().date() for r in rows)),
        outcomes={cid: (passed, n) for cid, (passed, n) in outcomes.items()},
        recent_fails=dict(Counter(r.card_id for r in rows if r.rating == 1 and r.at >= recent_start)),
    )
