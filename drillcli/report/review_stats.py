"""What the report needs from the review log, already aggregated.

A long history is grouped in SQLite (`drillcli.store.activity.review_stats`); a list of rows (tests, small
histories) is grouped here by `stats_from_rows`. Both give the same `ReviewStats`, which a test checks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

HEATMAP_WEEKS = 12
RECENT_DAYS = 30  # "forgotten lately": Again ratings in this many days make a card weak


@dataclass(frozen=True)
class ReviewRow:
    card_id: str
    rating: int
    at: datetime
    state_before: str | None


@dataclass(frozen=True)
class ReviewStats:
    total: int  # every review ever
    in_period: int  # reviews in the report's period
    per_day: dict[date, int]  # reviews per local day, at least over the heatmap's window
    outcomes: dict[str, tuple[int, int]]  # card -> (passed, all) of its reviews in the review state, in the period
    recent_fails: dict[str, int]  # card -> Again ratings in the last RECENT_DAYS days, learning steps included
    earlier_days: frozenset[date] = field(default_factory=frozenset)  # review days before per_day's, for the streak


def window_days(now: datetime) -> int:
    """How far back the heatmap reaches, in days (12 weeks, back to a Monday)."""
    return now.astimezone().date().weekday() + 7 * (HEATMAP_WEEKS - 1) + 1


def first_window_day(now: datetime) -> date:
    return now.astimezone().date() - timedelta(days=window_days(now) - 1)


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
