"""`drill report [--days N] [--json] [--html FILE]`: the progress report."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import typer
from rich.table import Table

from drillcli.bank.challenges import load_challenges
from drillcli.cli.context import Env
from drillcli.cli.render import console, print_json, safe
from drillcli.errors import DrillError
from drillcli.report.build import Report, build_report, review_rows
from drillcli.study.scheduler import make_scheduler


def report_command(ctx: typer.Context, *, days: int, as_json: bool, html: Path | None) -> None:
    """The progress report: what is learned, what is weak, what is due, how the coding drills go."""
    env = Env.of(ctx, read_only=True)
    report = make_report(env, days)
    if html is not None:
        _write_html(report, html)
    if as_json:
        print_json(report.to_dict())
    else:
        render_report(report)
        if html is not None:
            console().print(f"[dim]HTML report written to {safe(html)}[/]")


def make_report(env: Env, days: int) -> Report:
    store = env.store
    return build_report(
        cards=list(env.deck.values()),
        states=store.card_states(),
        reviews=review_rows(store.review_rows()),
        attempts=store.attempts(),
        challenge_ids=[c.id for c in load_challenges(env.bank_dirs)],
        now=datetime.now(timezone.utc),
        days=days,
        scheduler=make_scheduler(env.config.desired_retention),
    )


def _write_html(report: Report, path: Path) -> None:
    from drillcli.report.html import render_html

    try:
        path.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise DrillError(f"cannot write {path}: {exc.strerror or exc}") from None


def render_report(r: Report) -> None:
    con = console()
    cards = r.cards
    con.rule("[bold]Progress")
    con.print(f"Reviews: [bold]{r.reviews_total}[/] ({r.reviews_in_period} in the last {r.days} days) · "
              f"streak [bold]{r.streak_days}[/] day{'s' if r.streak_days != 1 else ''} · "
              f"due today [bold]{r.due_today}[/]")
    leeches = f" · [red]{r.leeches} leech{'es' if r.leeches != 1 else ''}[/]" if r.leeches else ""
    con.print(f"Cards: {cards['new']} new · {cards['learning']} learning · {cards['review']} review · "
              f"{cards['relearning']} relearning{leeches}")
    con.print(_topic_table(r))
    c = r.challenges
    con.print(f"Coding: [bold]{c.solved}[/] of {c.available} challenges solved, {c.attempted} attempted, "
              f"{c.attempts} attempts" + (f" ({c.timed_solved} solved against the clock)" if c.timed_solved else ""))
    if r.weak:
        con.print("Weakest cards: " + ", ".join(f"{safe(w.id)} ({w.lapses} lapses, {w.retrievability:.0%})"
                                                for w in r.weak[:5]))
    if r.forecast:
        con.print("Due in the next 7 days: " + " · ".join(_forecast_day(i, d) for i, d in enumerate(r.forecast)))


def _forecast_day(index: int, day: dict[str, object]) -> str:
    """'today 2', then the weekday: 'Tue 0'."""
    from datetime import date

    name = "today" if index == 0 else date.fromisoformat(str(day["date"])).strftime("%a")
    return f"{name} {day['due']}"


def _topic_table(r: Report) -> Table:
    table = Table(title="Topics", title_justify="left")
    for col in ("topic", "cards", "seen", "mastered", "due now", "retention"):
        table.add_column(col, justify="left" if col == "topic" else "right")
    for t in r.topics:
        retention = "–" if t.retention is None else f"{t.retention:.0%}"
        style = "red" if t.retention is not None and t.retention < 0.8 else ""
        table.add_row(safe(t.title), str(t.cards), str(t.reviewed), str(t.mastered), str(t.due),
                      f"[{style}]{retention}[/]" if style else retention)
    return table
