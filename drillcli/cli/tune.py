"""`drill tune`: fit FSRS to the user's own reviews and say, in plain words, whether it helps."""

from __future__ import annotations

from datetime import datetime, timezone

import typer
from rich.console import Console
from rich.markup import escape

from drillcli.cli.context import Env
from drillcli.cli.render import console
from drillcli.store.params import FittedParameters, active_parameters, review_events, save_fit
from drillcli.study.tune import MIN_REVIEWS, NEEDED, TuneResult, counted_reviews, suggest_retention, tune


def tune_command(ctx: typer.Context, *, retention: bool) -> None:
    env = Env.of(ctx)
    db = env.store.db
    events = review_events(db)
    current = active_parameters(db)
    con = console()
    if retention:
        _retention(con, events, current, env.config.desired_retention)
        return
    if counted_reviews(events) >= NEEDED:
        con.print(f"Fitting FSRS to your {len(events)} reviews… (a minute or more on a long history)")
    result = tune(events, current)
    render_tune(con, result, had_fit=current is not None)
    if result.enough and result.parameters is not None:
        save_fit(db, FittedParameters(
            parameters=result.parameters, fitted_at=datetime.now(timezone.utc), reviews=result.reviews,
            log_loss_before=result.before.log_loss if result.before else None,
            log_loss_after=result.after.log_loss if result.after else None,
            rmse_before=result.before.rmse if result.before else None,
            rmse_after=result.after.rmse if result.after else None, active=result.better))


def render_tune(con: Console, r: TuneResult, *, had_fit: bool) -> None:
    for note in r.health:
        con.print(f"[yellow]•[/] {escape(note.text)}")
    if not r.enough:
        con.print(f"Nothing was fitted: the optimizer needs {MIN_REVIEWS} such reviews to learn from and "
                  "returns the defaults below that. Your schedule stays as it is.")
        return
    assert r.before is not None and r.after is not None
    old = "your current parameters" if had_fit else "FSRS's default parameters"
    con.print(f"Judged on your latest {r.after.reviews} reviews, which the fit did not see:")
    con.print(f"  how surprised the model was by what you recalled (log loss, lower is better): "
              f"{r.before.log_loss:.3f} with {old} → {r.after.log_loss:.3f} fitted")
    con.print(f"  how far predicted recall was from your actual recall rate (RMSE): "
              f"{r.before.rmse * 100:.1f} → {r.after.rmse * 100:.1f} percentage points")
    if r.better:
        gain = (r.before.log_loss - r.after.log_loss) / r.before.log_loss * 100
        con.print(f"[green]Fitted parameters predict your memory {gain:.0f}% better; they are saved and "
                  "used from now on.[/]")
    else:
        con.print(f"The fit does not predict better than {old}; those are kept (the fit is recorded, "
                  "not used).")


def _retention(con: Console, events: list, current: tuple[float, ...] | None, desired: float) -> None:  # type: ignore[type-arg]
    if len(events) < MIN_REVIEWS:
        con.print(f"A retention suggestion needs at least {MIN_REVIEWS} reviews; you have {len(events)}.")
        return
    con.print("Simulating a year of reviews at each desired retention from 0.70 to 0.95…")
    best = suggest_retention(events, current)
    if abs(best - desired) < 1e-9:
        con.print(f"Your desired retention {desired:.2f} already costs the least study time per card "
                  "remembered. Keep it.")
    else:
        con.print(f"A desired retention of {best:.2f} gives the least study time per card remembered, "
                  f"from your own review times; you use {desired:.2f}. To adopt it, set "
                  f"`desired_retention = {best:.2f}` in config.toml.")
