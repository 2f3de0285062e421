"""`drill cards` and `drill` (today's drill): a flashcard session in the terminal."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import typer

from drillcli.bank.topics import TOPICS
from drillcli.cli.context import Env
from drillcli.cli.keys import KeyReader
from drillcli.cli.render import console, human_delta, require_width
from drillcli.cli.session_view import CardView, Quit, Undo, show_card
from drillcli.errors import UsageError
from drillcli.study.queue import QueueFilter, build_queue, matches, start_of_day
from drillcli.study.scheduler import make_scheduler
from drillcli.study.session import Session


def _check_topic(topic: str | None) -> str | None:
    if topic is not None and topic not in TOPICS:
        raise UsageError(f"unknown topic {topic!r} (topics: {', '.join(TOPICS)})")
    return topic


def cards_command(
    ctx: typer.Context, *, topic: str | None, limit: int, new: int | None, most_asked: bool
) -> None:
    """A flashcard session: due cards first, then new ones."""
    env = Env.of(ctx)
    run_session(env, topic=_check_topic(topic), limit=limit, new=new, most_asked=most_asked)


def today(ctx: typer.Context) -> None:
    """Today's drill: due cards first, then new ones, then an offer of a timed challenge."""
    env = Env.of(ctx)
    result = run_session(env, topic=None, limit=env.config.session_limit, new=None, most_asked=False)
    if not result.interrupted:  # Ctrl-C means "stop now", not "what next?"
        _offer_challenge(env)


@dataclass
class SessionResult:
    reviewed: int
    again: int
    seconds: float
    interrupted: bool = False


def run_session(env: Env, *, topic: str | None, limit: int, new: int | None, most_asked: bool) -> SessionResult:
    con = console()
    require_width(con)
    refs = env.deck_refs
    store = env.store
    now = datetime.now(timezone.utc)
    states = store.due_states(now)
    new_budget = new if new is not None else max(0, env.config.new_per_day - store.new_cards_since(start_of_day(now)))
    flt = QueueFilter(topic=topic, most_asked=most_asked, limit=limit, new_limit=new_budget)
    queue = build_queue(refs, states, now, flt, seen=store.seen_ids())
    if not queue.ids:
        _nothing_due(env, store.card_states(), flt, now)
        return SessionResult(0, 0, 0.0)
    session = Session(queue=queue.ids, states=states, scheduler=make_scheduler(env.config.desired_retention))
    session_id = store.start_session("cards", now)
    intro = f"[bold]{len(queue.due)} due[/], {len(queue.new)} new. Space/Enter reveals · 1-4 grade · u undo · q quit"
    interrupted = False
    try:
        _loop(env, session, session_id, intro)
    except KeyboardInterrupt:
        interrupted = True
        con.print("\n[dim]Stopped. Every grade given so far is saved.[/]")
    finally:
        store.end_session(session_id, datetime.now(timezone.utc))
    result = _summarise(env, session)
    return replace(result, interrupted=interrupted)


def _loop(env: Env, session: Session, session_id: int, notice: str) -> None:
    """Show cards until the queue is done or the user quits. `notice` goes above the next card: the screen
    is cleared before each one, so a line printed in between would never be seen."""
    keys = KeyReader()
    deck = env.cards_for(list(dict.fromkeys(session.queue)))
    shown = 0
    while not session.done:
        card_id = session.current
        view = CardView(card=env.materialise(deck[card_id], seed=shown), index=session.position + 1,
                        total=len(session.queue), state=session.states.get(card_id),
                        scheduler=session.scheduler, can_undo=bool(session.history), notice=notice)
        shown += 1
        notice = ""
        action = show_card(view, keys)
        if isinstance(action, Quit):
            return
        if isinstance(action, Undo):
            notice = _undo(env, session, session_id)
            continue
        step = session.grade(action.rating, datetime.now(timezone.utc), action.duration_ms)
        env.store.record_review(rating=step.rating, reviewed_at=step.at, duration_ms=step.duration_ms,
                                before=step.before, after=step.after, session_id=session_id)


def _undo(env: Env, session: Session, session_id: int) -> str:
    """Take back the last grade; the line to show above the next card."""
    step = session.undo()
    if step is None:
        return "[dim]Nothing to undo yet.[/]"
    env.store.undo_last_review(session_id)
    return f"[yellow]Undone:[/] the grade of {step.card_id} is taken back."


def _summarise(env: Env, session: Session) -> SessionResult:
    con = console()
    summary = session.summary()
    now = datetime.now(timezone.utc)
    states = env.store.card_states()
    ids = {r.id for r in env.deck_refs}
    known = [s for cid, s in states.items() if cid in ids]
    upcoming = sorted(s.due for s in known if s.due > now)
    due_now = sum(1 for s in known if s.due <= now)
    minutes, seconds = divmod(int(summary.seconds), 60)
    con.rule("[bold]Session done")
    con.print(f"Reviewed [bold]{summary.reviewed}[/] card{'s' if summary.reviewed != 1 else ''} · "
              f"Again {summary.again} · time {minutes}m{seconds:02d}s")
    if due_now:
        con.print(f"{due_now} card{'s are' if due_now != 1 else ' is'} due now.")
    elif upcoming:
        con.print(f"Next card due {human_delta(upcoming[0] - now)}.")
    return SessionResult(summary.reviewed, summary.again, summary.seconds)


def _nothing_due(env: Env, states: dict, flt: QueueFilter, now: datetime) -> None:  # type: ignore[type-arg]
    con = console()
    deck = {r.id for r in env.deck_refs if matches(r, flt)}
    upcoming = sorted(s.due for cid, s in states.items() if cid in deck and s.due > now)
    unseen = sum(1 for cid in deck if cid not in states)
    con.print("[bold green]Nothing due right now.[/]")
    if upcoming:
        con.print(f"Next card due {human_delta(upcoming[0] - now)}.")
    if unseen and flt.new_limit == 0:
        waits = "new card waits" if unseen == 1 else "new cards wait"
        con.print(f"{unseen} {waits}; today's budget of new cards is spent. "
                  "Add more with [bold]drill cards --new 5[/].")


def _offer_challenge(env: Env) -> None:
    from drillcli.cli.code import offer_timed_challenge

    offer_timed_challenge(env)


def elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
