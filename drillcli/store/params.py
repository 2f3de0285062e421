"""FSRS parameters fitted by `drill tune`, stored with the date and the figures that justified them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from drillcli.store.db import guarded_query
from drillcli.store.models import from_ts, to_ts
from drillcli.store.tx import transaction


@dataclass(frozen=True)
class FittedParameters:
    parameters: tuple[float, ...]
    fitted_at: datetime
    reviews: int
    log_loss_before: float | None
    log_loss_after: float | None
    rmse_before: float | None
    rmse_after: float | None
    active: bool = True


@guarded_query
def active_parameters(db: sqlite3.Connection) -> tuple[float, ...] | None:
    """The newest fitted parameters in use, or None for the library's defaults."""
    latest = latest_fit(db, active_only=True)
    return latest.parameters if latest else None


@guarded_query
def latest_fit(db: sqlite3.Connection, *, active_only: bool = False) -> FittedParameters | None:
    where = "WHERE active = 1" if active_only else ""
    row = db.execute(
        "SELECT parameters, fitted_at, reviews, log_loss_before, log_loss_after, rmse_before, rmse_after, active"
        f" FROM fsrs_parameters {where} ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return FittedParameters(tuple(json.loads(row[0])), from_ts(row[1]), row[2], row[3], row[4], row[5], row[6],
                            bool(row[7]))


@guarded_query
def save_fit(db: sqlite3.Connection, fit: FittedParameters) -> None:
    """Record a fit; an inactive one is kept for the record but not used."""
    with transaction(db):
        db.execute(
            "INSERT INTO fsrs_parameters (fitted_at, parameters, reviews, log_loss_before, log_loss_after,"
            " rmse_before, rmse_after, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (to_ts(fit.fitted_at), json.dumps(list(fit.parameters)), fit.reviews, fit.log_loss_before,
             fit.log_loss_after, fit.rmse_before, fit.rmse_after, int(fit.active)))


@dataclass(frozen=True)
class ReviewEvent:
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None


@guarded_query
def review_events(db: sqlite3.Connection) -> list[ReviewEvent]:
    """Every review, oldest first, as the fit reads them."""
    rows = db.execute("SELECT card_id, rating, reviewed_at, duration_ms FROM review ORDER BY reviewed_at, id")
    return [ReviewEvent(r[0], r[1], from_ts(r[2]), r[3]) for r in rows]
