"""`drill plan --interview DATE`: how to be ready by an interview date; the date is remembered in config.

Also the one-line countdown that `drill` and `drill report` show once a date is set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from drillcli.bank.vocab import ChallengeInfo
from drillcli.cli.context import Env
from drillcli.cli.render import console, print_json, safe
from drillcli.errors import UsageError
from drillcli.study.plan import (
    TARGET_RECALL,
    Plan,
    PlanInput,
    Progress,
    Today,
    days_left,
    make_plan,
    quota_of,
    today_of,
)
from drillcli.study.queue import start_of_day

DAYS_SHOWN = 7  # the daily plan shows its first days and its last one


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def parse_day(text: str, now: datetime) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--interview takes a date like 2026-12-10, not {text!r}") from None
    if day < now.astimezone().date():
        raise UsageError(f"the interview date {day.isoformat()} has passed; give a date from today on")
    return day


def plan_command(ctx: typer.Context, *, interview: str | None, as_json: bool) -> None:
    """A plan to be ready by the interview date; a date given is remembered in config.toml."""
    env = Env.of(ctx)
    now = utc_now()
    day, saved = _interview_day(env, interview, now)
    plan = build_plan(env, day, now)
    if as_json:
        print_json(_jsonable(plan.to_dict()))
        return
    con = console()
    if saved:
        con.print(f"[dim]Interview date saved in {safe(saved)}: `drill` and `drill report` count down to it.[/]")
    render_plan(con, plan, env.config.new_per_day, env.config.challenge_minutes_per_day)


def _interview_day(env: Env, interview: str | None, now: datetime) -> tuple[date, str | None]:
    """The date asked for (saved in config when it is new), else the one remembered."""
    if interview is None:
        day = env.config.interview_date
        if day is None:
            raise UsageError("no interview date yet: drill plan --interview 2026-12-10")
        return day, None
    day = parse_day(interview, now)
    if day == env.config.interview_date:
        return day, None
    from drillcli.config_edit import set_setting

    return day, str(set_setting("interview_date", day.isoformat()))


def plan_input(env: Env, day: date, now: datetime) -> tuple[PlanInput, int]:
    """The plan's input read from the store and the bank; and how many due challenges fit today."""
    from drillcli.cli.challenge_review import board, daily_challenges
    from drillcli.store.challenge_states import challenge_reviews

    b = board(env, now)
    since = start_of_day(now)
    first_today = sum(1 for r in challenge_reviews(env.store.db, since=since) if r.state_before is None)
    inp = PlanInput(cards=env.deck_refs, card_states=env.store.card_states(), challenges=b.infos,
                    challenge_table=b.table, interview=day, now=now,
                    new_cards_today=env.store.new_cards_since(since), new_challenges_today=first_today)
    return inp, len(daily_challenges(env, b).due)


def build_plan(env: Env, day: date, now: datetime) -> Plan:
    from drillcli.study.challenge_rating import challenge_scheduler

    inp, due_challenges = plan_input(env, day, now)
    return make_plan(inp, env.scheduler, challenge_scheduler(env.config.desired_retention), due_challenges)


def _jsonable(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


# --- the countdown of `drill` and `drill report` --------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    interview: date
    days_left: int
    today: Today | None  # None once the interview day has come

    def to_dict(self) -> dict[str, Any]:
        today = None
        if self.today is not None:
            today = {**self.today.__dict__, "done": self.today.done}
        return {"interview_date": self.interview.isoformat(), "days_left": self.days_left, "today": today}


def countdown(env: Env, now: datetime, challenges: Any = None) -> Countdown | None:
    """Days to the interview and today's part of the plan, from counts only (no simulation)."""
    day = env.config.interview_date
    if day is None:
        return None
    left = days_left(day, now)
    if left <= 0:
        return Countdown(day, left, None)
    from drillcli.cli.challenge_review import board, daily_challenges
    from drillcli.store.challenge_states import challenge_reviews
    from drillcli.study.challenge_schedule import ChallengeStatus

    store = env.store
    since = start_of_day(now)
    b = challenges if challenges is not None else board(env, now)
    seen = store.seen_ids()
    progress = Progress(
        unseen_cards=sum(1 for r in env.deck_refs if r.id not in seen),
        due_cards=len(store.due_states(now)),
        new_cards_today=store.new_cards_since(since),
        unattempted=sum(1 for s in b.table.values() if s.status in (ChallengeStatus.NEW, ChallengeStatus.STARTED)),
        new_challenges_today=sum(1 for r in challenge_reviews(store.db, since=since) if r.state_before is None),
        due_challenges=len(daily_challenges(env, b).due),
    )
    return Countdown(day, left, today_of(quota_of(left, progress), progress))


def countdown_line(c: Countdown) -> str:
    when = c.interview.strftime("%a %d %b")
    if c.days_left < 0:
        return f"The interview of {when} has passed: set the next one with drill plan --interview DATE."
    if c.days_left == 0 or c.today is None:
        return f"[bold]Interview today[/] ({when}). Good luck."
    head = f"[bold]Interview in {c.days_left} day{'s' if c.days_left != 1 else ''}[/] ({when})"
    t = c.today
    parts = [f"new cards {t.new_cards_done}/{t.new_cards_planned}", f"cards due {t.due_cards}"]
    if t.new_challenges_planned or t.new_challenges_done:
        parts.append(f"new challenges {t.new_challenges_done}/{t.new_challenges_planned}")
    if t.due_challenges:
        parts.append(f"challenges due {t.due_challenges}")
    verdict = "[green]today's plan is done ✓[/]" if t.done else "today's plan: " + " · ".join(parts)
    return f"{head} · {verdict}"


def first_screen_lines(env: Env) -> list[str]:
    """What `drill` says before the first card (Rich markup): the countdown, and the challenges that follow
    the cards. The card screen shows them above the first card: printed before it, the screen cleared for
    the card would wipe them at once."""
    from drillcli.cli.challenge_review import board, daily_challenges, daily_line

    now = utc_now()
    b = board(env, now)  # reads only the yaml of the due challenges shown: the first card comes sooner
    c = countdown(env, now, b)
    line = daily_line(daily_challenges(env, b)) if b.table else None
    return [x for x in (countdown_line(c) if c is not None else None, line) if x]


# --- the plan on screen ---------------------------------------------------------------------------------


def render_plan(con: Console, plan: Plan, new_per_day: int = 10, challenge_budget: int = 25) -> None:
    q = plan.quota
    when = plan.interview.strftime("%A %d %B %Y")
    con.rule(f"[bold]Plan to the interview on {when}")
    if q.study_days == 0:
        con.print("[bold]The interview is today.[/] Below: what you are likely to recall.")
    else:
        con.print(f"In [bold]{q.days_left} day{'s' if q.days_left != 1 else ''}[/]: {plan.cards_unseen} cards not "
                  f"seen yet, {plan.challenges_unsolved} challenges not solved yet.")
        con.print(f"Daily: [bold]{q.new_cards_per_day} new cards[/] and [bold]{q.new_challenges_per_day} new "
                  f"challenge{'s' if q.new_challenges_per_day != 1 else ''}[/] a day for {q.intro_days} "
                  f"day{'s' if q.intro_days != 1 else ''}"
                  f"{', then reviews only' if q.intro_days < q.study_days else ''}; every due card and challenge "
                  "each day.")
        con.print(_today_line(plan.today))
    con.print(_fit(_topic_table(plan, wide=con.width >= WIDE), con.width))
    if plan.targets:
        con.print(_fit(_target_table(plan), con.width))
    if plan.days:
        con.print(_fit(_day_table(plan), con.width))
    con.print(_verdict(plan))
    for line in _advice(plan, new_per_day, challenge_budget):
        con.print(f"[yellow]{line}[/]")


WIDE = 100  # below this many columns, tables drop their borders (as the report's do)


def _fit(table: Table, width: int) -> Table:
    """Below WIDE columns, no borders: the room they took goes to the columns, so fewer headers are cut."""
    if width < WIDE:
        table.box, table.pad_edge = None, False
    return table


def _today_line(t: Today) -> str:
    if t.done:
        return "[green]Today's plan is done ✓[/]"
    return (f"Today: new cards {t.new_cards_done}/{t.new_cards_planned} · cards due {t.due_cards} · "
            f"new challenges {t.new_challenges_done}/{t.new_challenges_planned} · challenges due {t.due_challenges}")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _recall_cell(value: float | None) -> str:
    if value is None:
        return "[dim]–[/]"
    style = "green" if value >= TARGET_RECALL else "yellow" if value >= 0.8 else "red"
    return f"[{style}]{value:.0%}[/]"


def _topic_table(plan: Plan, wide: bool = True) -> Table:
    table = Table(title="By topic: predicted recall now, and on the day if you stop now or follow the plan; "
                        "challenges not solved, and due by the day", title_justify="left")
    # narrow: headers on two lines and shorter, so that the topic names stay whole in 60 columns
    columns = ("topic", "cards", "unseen", "now", "stop now", "plan", "unsolved", "due") if wide else (
        "topic", "cards", "new", "now", "stop\nnow", "plan", "to\nsolve", "due")
    for col in columns:
        table.add_column(col, justify="left" if col == "topic" else "right")
    for t in plan.topics:
        table.add_row(safe(t.topic), str(t.cards), str(t.unseen), _pct(t.recall_now), _recall_cell(t.recall_on_day),
                      _recall_cell(t.planned_recall), f"{t.unsolved}/{t.challenges}" if t.challenges else "–",
                      str(t.due_by_day) if t.challenges else "–")
    return table


def _target_table(plan: Plan) -> Table:
    most = [t for t in plan.targets if t.most_asked]
    high = [t for t in plan.targets if not t.most_asked]
    table = Table(title=f"★ The most-asked questions and the {len(high)} cards asked often", title_justify="left")
    for col in ("card", "now", "stop now", "plan"):
        table.add_column(col, justify="left" if col == "card" else "right")
    for t in most:
        table.add_row("★ " + safe(t.id), _pct(t.recall_now), _recall_cell(t.recall_on_day),
                      _recall_cell(t.planned_recall))
    if high:
        under = sum(1 for t in high if (t.recall_on_day or 0.0) < TARGET_RECALL)
        lowest = min(t.planned_recall for t in high)
        table.add_row(f"asked often ({len(high)} cards)", "", f"{under} under {TARGET_RECALL:.0%}",
                      f"lowest {_recall_cell(lowest)}")
    return table


def _day_table(plan: Plan) -> Table:
    table = Table(title="Day by day (the simulation, every answer right)", title_justify="left")
    for col in ("day", "new cards", "reviews", "new challenges", "re-solves", "≈ min"):
        table.add_column(col, justify="left" if col == "day" else "right", no_wrap=col == "day")
    days = plan.days
    shown = days if len(days) <= DAYS_SHOWN + 1 else [*days[:DAYS_SHOWN], days[-1]]
    for i, d in enumerate(shown):
        if i == DAYS_SHOWN and len(days) > DAYS_SHOWN + 1:
            table.add_row("…", "", "", "", "", "")
        name = d.day.strftime("%a %d %b")
        reviews = f"{d.card_reviews}" + (f" (+{d.refreshed} refresh)" if d.refreshed else "")
        table.add_row(name, str(d.new_cards), reviews, str(d.new_challenges), str(d.challenge_reviews),
                      f"{d.minutes:.0f}")
    return table


def _verdict(plan: Plan) -> str:
    if plan.lowest_target is None:
        return "No most-asked or often-asked cards in the bank to aim at."
    lowest = f"{plan.lowest_target:.1%}"
    if plan.reaches_target:
        return (f"[green]✓ Following the plan, the most-asked questions and the cards asked often are all at "
                f"{TARGET_RECALL:.0%} or more on the day[/] (lowest {lowest}).")
    return (f"[red]✗ Even following the plan, some targets stay under {TARGET_RECALL:.0%} on the day[/] "
            f"(lowest {lowest}): there are too few days left for them.")


def _advice(plan: Plan, new_per_day: int, budget: int) -> list[str]:
    out = []
    q = plan.quota
    if q.new_cards_per_day > new_per_day:
        out.append(f"The plan needs {q.new_cards_per_day} new cards a day; `drill` shows {new_per_day} "
                   f"(new_per_day in config.toml): raise it, or add `drill cards --new "
                   f"{q.new_cards_per_day - new_per_day}` after the drill.")
    top = max((d.challenge_minutes for d in plan.days), default=0.0)
    if top > budget:
        out.append(f"Challenge days take up to {top:.0f} min; `drill` offers {budget} min a day "
                   "(challenge_minutes_per_day): run `drill code` for the rest.")
    return out


# --- readiness in `drill report` ------------------------------------------------------------------------


def report_interview(env: Env, now: datetime, infos: list[ChallengeInfo]) -> Any:
    """What the report's readiness needs: the interview (if set), today's plan, each challenge's standing."""
    from drillcli.report.readiness import ChallengeMark, Interview
    from drillcli.store.challenge_states import challenge_states
    from drillcli.study.challenge_schedule import ChallengeStatus, standings
    from drillcli.study.plan import interview_moment

    table = standings(infos, challenge_states(env.store.db), env.store.attempts(), now)
    marks = [ChallengeMark(c.id, c.topic, table[c.id].solved, table[c.id].status is ChallengeStatus.DUE)
             for c in infos]
    day = env.config.interview_date
    if day is None:
        return Interview(challenges=marks)
    from drillcli.cli.challenge_review import board

    c = countdown(env, now, board(env, now))  # as `drill` counts it
    today = c.to_dict()["today"] if c is not None else None
    return Interview(day, interview_moment(day, now), days_left(day, now), today, marks)


def render_readiness(con: Console, readiness: dict[str, Any]) -> None:
    """The countdown line and a table of readiness per topic (`drill report`)."""
    from drillcli.report.readiness import countdown_text

    line = countdown_text(readiness)
    if line:
        con.print(f"[bold]{safe(line)}[/]")
    if readiness.get("last_mock_score") is not None:
        con.print(f"Last mock interview: [bold]{readiness['last_mock_score']:.0%}[/] (drill mock)")
    rows = readiness.get("topics") or []
    if not rows:
        return
    dated = readiness.get("interview_date") is not None
    # the explanation on its own line: as the table's title it would wrap to the narrow table's width
    con.print("[bold]Readiness by topic[/] [dim](recall over all its cards, unseen = 0)[/]")
    table = Table()
    for col in ("topic", "recall now", *(("on the day",) if dated else ()), "challenges solved", "due"):
        table.add_column(col, justify="left" if col == "topic" else "right")
    _fit(table, con.width)
    for t in rows:
        day = (_recall_cell(t["recall_on_day"]),) if dated else ()
        table.add_row(safe(t["topic"]), _pct(t["recall_now"]), *day,
                      f"{t['solved']}/{t['challenges']}" if t["challenges"] else "–", str(t["due"]))
    con.print(table)
