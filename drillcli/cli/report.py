"""`drill report [--days N] [--json] [--html FILE]`: the progress report."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import typer
from rich import box
from rich.console import Console, Group
from rich.table import Table

from drillcli.cli.context import Env
from drillcli.cli.render import clip, console, print_json, safe
from drillcli.errors import DrillError
from drillcli.report.build import Report, build_report
from drillcli.report.mocks import STATUS_WORDS, last_score, mock_history
from drillcli.store.repo import Store


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
    from drillcli.cli.plan import report_interview
    from drillcli.report.build import attempt_days
    from drillcli.report.review_stats import review_stats

    store = env.store
    now = datetime.now(timezone.utc)
    challenges = env.challenge_infos
    attempts = store.attempts()
    report = build_report(
        cards=env.deck_refs,
        states=store.card_states(),
        reviews=review_stats(store.db, now, days, also_active=attempt_days(attempts)),  # grouped in SQLite
        attempts=attempts,
        challenge_ids=[c.id for c in challenges],
        now=now,
        days=days,
        scheduler=env.scheduler,
        interview=report_interview(env, now, challenges),  # the countdown; readiness per topic and on the day
        prompts=env.prompts,
    )
    return _with_mocks(report, store, now)


def _with_mocks(report: Report, store: Store, now: datetime) -> Report:
    """The mock-interview history (`drill mock`), oldest first."""
    from dataclasses import replace

    from drillcli.store.mocks import mocks

    history = mock_history(mocks(store.db), now)
    readiness = {**report.readiness, "last_mock_score": last_score(history)}  # readiness: the latest mock's score
    return replace(report, mocks=history, readiness=readiness)


def _write_html(report: Report, path: Path) -> None:
    from drillcli.report.html import render_html

    try:
        path.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise DrillError(f"cannot write {path}: {exc.strerror or exc}") from None


def render_report(r: Report, con: Console | None = None) -> None:
    con = con or console()
    cards = r.cards
    con.rule("[bold]Progress")
    recall = f" · predicted recall now [bold]{r.recall_now:.0%}[/]" if r.recall_now is not None else ""
    con.print(f"Reviews: [bold]{r.reviews_total}[/] ({r.reviews_in_period} in the last {r.days} days) · "
              f"streak [bold]{r.streak_days}[/] day{'s' if r.streak_days != 1 else ''} · "
              f"due today [bold]{r.due_today}[/]{recall}")
    leeches = f" · [red]{r.leeches} leech{'es' if r.leeches != 1 else ''}[/]" if r.leeches else ""
    con.print(f"Cards: {cards['new']} new · {cards['learning']} learning · {cards['review']} review · "
              f"{cards['relearning']} relearning{leeches}")
    if r.readiness:
        parts = " · ".join(f"{k} {v['recall']:.0%} ({v['seen']}/{v['cards']} seen)"
                           for k, v in r.readiness["by_asked"].items())
        con.print(f"Readiness [bold]{r.readiness['score']:.0%}[/] (predicted recall over the bank, weighted by "
                  f"how often each question is asked) · asked {parts}")
        from drillcli.cli.plan import render_readiness

        render_readiness(con, r.readiness)  # the interview countdown, and readiness per topic
    wide = con.width >= WIDE
    con.print(heatmap_panel(r))
    con.print(forecast_chart(r, bar=min(FORECAST_BAR, con.width - 16)))
    con.print(_topic_table(r, con.width))
    if r.most_asked:
        con.print(_most_asked_table(r, wide))
    if r.weak:
        con.print(_weak_table(r, con.width))
    c = r.challenges
    con.print(f"Coding: [bold]{c.solved}[/] of {c.available} challenges solved, {c.attempted} attempted, "
              f"{c.attempts} attempts" + (f" ({c.timed_solved} solved against the clock)" if c.timed_solved else ""))
    if c.by_challenge:
        con.print(_challenge_table(r, con.width))
    if r.mocks:
        con.print(mock_table(r, wide))


_SHADES = ("grey23", "green4", "green3", "green1", "bright_green")


def _shade(count: int, top: int) -> str:
    if count == 0:
        return _SHADES[0]
    return _SHADES[min(4, 1 + int(3 * count / max(top, 1)))]


def _cell(count: int, top: int) -> str:
    """A day of the heatmap: a shaded square, or a dot on a day without activity, so that the map still
    reads without colour (a pipe, NO_COLOR)."""
    return f"[{_shade(count, top)}]{'■' if count else '·'}[/]"


def heatmap_panel(r: Report) -> Group:
    """The last 12 weeks as GitHub draws them: a column per week, a row per weekday, brighter = more."""
    days = r.heatmap
    top = max((d["reviews"] + d["solves"] for d in days), default=0)
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    header = [" "] * (4 + 2 * len(weeks) + 3)
    last_month = None
    for i, week in enumerate(weeks):
        month = date.fromisoformat(week[0]["date"]).strftime("%b")
        if month != last_month:
            header[4 + 2 * i: 4 + 2 * i + 3] = list(month)
            last_month = month
    lines = [f"[bold]Activity, last {len(weeks)} weeks[/]", f"[dim]{''.join(header).rstrip()}[/]"]
    for weekday in range(7):
        label = ("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday]
        cells = [_cell(w[weekday]["reviews"] + w[weekday]["solves"], top) if weekday < len(w) else " " for w in weeks]
        lines.append(f"[dim]{label:<4}[/]" + " ".join(cells))
    total = sum(d["reviews"] for d in days)
    solves = sum(d["solves"] for d in days)
    active = sum(1 for d in days if d["reviews"] or d["solves"])
    lines.append(f"[dim]{total} reviews · {solves} accepted solves · active on {active} of {len(days)} days · "
                 f"less [/]{_cell(0, 1)}[{_SHADES[1]}]■[/][{_SHADES[3]}]■[/][{_SHADES[4]}]■[/][dim] more[/]")
    return Group(*lines)


WIDE = 100  # below this many columns the tables drop their bars and use short topic names
FORECAST_BAR = 30


def forecast_chart(r: Report, bar: int = FORECAST_BAR) -> Group:
    top = max((d["due"] for d in r.forecast), default=0)
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column(justify="left")
    table.add_column(justify="right")
    table.add_column(justify="left")
    for i, day in enumerate(r.forecast):
        name = "today" if i == 0 else date.fromisoformat(str(day["date"])).strftime("%a %d")
        width = 0 if top == 0 else max(1 if day["due"] else 0, round(max(1, bar) * day["due"] / top))
        table.add_row(name, str(day["due"]), f"[cyan]{'█' * width}[/]")
    return Group(f"[bold]Due in the next {len(r.forecast)} days[/]", table)


def _bar(fraction: float | None, width: int = 10) -> str:
    if fraction is None:
        return "[dim]–[/]"
    if width == 0:
        return f"{fraction:.0%}"
    filled = round(fraction * width)  # the rest in a lighter glyph: without colour, 0% must not look full
    return f"[green]{'█' * filled}[/][grey23]{'░' * (width - filled)}[/] {fraction:.0%}"


def _topic_table(r: Report, width: int = WIDE) -> Table:
    """Full titles and bars from WIDE columns; below, short names and no borders; below 60, the five
    columns that fit 40."""
    wide = width >= WIDE
    table = Table(title="Topics", title_justify="left") if wide else Table(
        title="Topics", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    columns = ("topic", "cards", "seen", "due now", "retention", "recall now", "mastery") if wide else (
        "topic", "cards", "seen", "due", "kept", "recall", "mastery")
    keep = [i for i, col in enumerate(columns) if width >= 60 or col not in ("kept", "mastery")]
    for i in keep:
        col = columns[i]
        table.add_column(col, justify="left" if col in ("topic", "mastery") else "right",
                         no_wrap=col != "topic", min_width=None if col == "topic" else len(col))
    for t in r.topics:
        retention = "–" if t.retention is None else f"{t.retention:.0%}"
        style = "red" if t.retention is not None and t.retention < 0.8 else ""
        recall = "–" if t.recall_now is None else f"{t.recall_now:.0%}"
        cells = [safe(t.title if wide else t.topic), str(t.cards), str(t.reviewed), str(t.due),
                 f"[{style}]{retention}[/]" if style else retention, recall, _bar(t.mastery, 10 if wide else 0)]
        table.add_row(*(cells[i] for i in keep))
    return table


def _most_asked_table(r: Report, wide: bool = True) -> Table:
    table = Table(title="★ The most-asked questions", title_justify="left")
    dated = any(row.get("recall_on_day") is not None for row in r.most_asked)
    for col in ("question", "state", "recall now", *(("on the day",) if dated else ())):
        table.add_column(col)
    for row in r.most_asked:
        bar = 10 if wide else 0
        on_day = (_bar(row.get("recall_on_day"), bar),) if dated else ()
        table.add_row(safe(clip(row["prompt"], 60)), row["state"], _bar(row["recall_now"], bar), *on_day)
    return table


def _weak_table(r: Report, width: int = WIDE) -> Table:
    """One line a card: the prompt is cut to what the terminal leaves beside the number columns (below 64
    columns, recall and forgotten only)."""
    table = Table(title="Weakest cards", title_justify="left")
    numbers = ("recall now", "forgot (30 d)", "lapses") if width >= 64 else ("recall", "forgot")
    room = max(12, min(60, width - sum(map(len, numbers)) - 3 * len(numbers) - 4))
    table.add_column("card", no_wrap=True, max_width=room, overflow="ellipsis")
    for col in numbers:
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for w in r.weak[:8]:
        leech = " [red]leech[/]" if w.leech else ""
        cells = (f"{w.retrievability:.0%}", str(w.recent_fails), str(w.lapses))[:len(numbers)]
        table.add_row(safe(clip(w.prompt or w.id, room - len(" leech") if leech else room)) + leech, *cells)
    return table


def _challenge_table(r: Report, width: int = WIDE) -> Table:
    """A row per challenge tried, on one line: below 80 columns, short headers, no borders and the best time
    without its countdown or the last verdict of an unsolved one; below 48, no speed column."""
    full = width >= 80
    table = Table(title="Challenges", title_justify="left") if full else Table(
        title="Challenges", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    columns = ("challenge", "attempts", "solved", "best time", "speed vs reference") if full else (
        "challenge", "tries", "solved", "best", "speed")[:5 if width >= 48 else 4]
    table.add_column(columns[0], overflow="ellipsis", min_width=len(columns[0]))  # an id is one word: cut
    for col in columns[1:]:
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for c in r.challenges.by_challenge:
        best = "–"
        if c.best_solve_s is not None:
            m, sec = divmod(int(c.best_solve_s), 60)
            limit = f" / {c.minutes:g} min" if c.minutes and full else ""
            best = f"{m}m{sec:02d}s{limit}"
        ratio = f"{c.best_ratio:.1f}×" if c.best_ratio else "–"
        unsolved = safe(c.last_verdict) if full else "no"  # narrower, only whether it is solved
        cells = (safe(c.id), str(c.attempts), "[green]✓[/]" if c.solved else unsolved, best, ratio)
        table.add_row(*cells[:len(columns)])
    return table


MOCK_ROWS = 10


def mock_table(r: Report, wide: bool = True) -> Table:
    """The latest mock interviews, oldest at the top so the bars read as the score over time."""
    shown = r.mocks[-MOCK_ROWS:]
    earlier = len(r.mocks) - len(shown)
    title = "Mock interviews" + (f" (the last {len(shown)} of {len(r.mocks)})" if earlier else "")
    table = Table(title=title, title_justify="left")
    for col in ("when", "topic", "ended", "score", "explain", "numeric", "coding"):
        table.add_column(col, justify="left" if col in ("when", "topic", "ended", "score") else "right")
    for m in shown:
        when = datetime.fromisoformat(m["started_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        areas = ["–" if m[a] is None else f"{m[a]:.0%}" for a in ("explain", "numeric", "coding")]
        table.add_row(when, safe(m["topic"] or "all"), STATUS_WORDS.get(m["status"], safe(m["status"])),
                      _bar(m["score"], 10 if wide else 0), *areas)
    return table
