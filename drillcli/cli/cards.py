"""`drill cards` and `drill` (today's drill): keys and screens over the session service in `study.session`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape

from drillcli.bank.schema import Asked, CardBase
from drillcli.bank.topics import TOPICS
from drillcli.cli.context import Env
from drillcli.cli.keys import ENTER, KeyReader
from drillcli.cli.render import console, human_delta, require_width
from drillcli.cli.session_view import CardView, Quit, Undo, card_name, show_card
from drillcli.errors import UsageError
from drillcli.store.tx import StoreBusy
from drillcli.study.queue import QueueFilter
from drillcli.study.scheduler import RATING_NAMES
from drillcli.study.session import (
    Done,
    Graded,
    NotSaved,
    SessionOptions,
    SessionSummary,
    StudySession,
    UndoOutcome,
    Wait,
)

RETRY_EVERY_S = 2.0

# card_of(card_id, showing) -> the card to show (a generated card is drawn afresh for each showing)
CardSource = Callable[[str, int], CardBase]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def check_topic(topic: str | None) -> str | None:
    """A topic by its name or title, in any case."""
    if topic is None:
        return None
    wanted = topic.strip().casefold()
    for name, title in TOPICS.items():
        if wanted in (name.casefold(), title.casefold()):
            return name
    raise UsageError(f"unknown topic {topic!r} (topics: {', '.join(TOPICS)})")


@dataclass(frozen=True)
class Asking:
    """The options as the user typed them, so hints can repeat them."""

    topic: str | None = None
    most_asked: bool = False
    asked: str | None = None

    def command(self, *extra: str) -> str:
        parts = ["drill cards"]
        if self.topic:
            parts += ["--topic", self.topic]
        if self.most_asked:
            parts.append("--most-asked")
        if self.asked:
            parts += ["--asked", self.asked]
        return " ".join([*parts, *extra])


def cards_command(ctx: typer.Context, *, topic: str | None, limit: int, new: int | None, most_asked: bool,
                  ahead: bool = False, asked: str | None = None) -> None:
    """A flashcard session: due cards first, then new ones (or, with `ahead`, cards not due yet)."""
    env = Env.of(ctx)
    name = check_topic(topic)
    level = Asked(asked) if asked else None
    options = session_options(env, QueueFilter(name, most_asked, level, limit), new=new, ahead=ahead)
    run_session(env, options, Asking(name, most_asked, asked))


def today(ctx: typer.Context) -> None:
    """Today's drill: due cards first, then new ones, then an offer of a timed challenge."""
    env = Env.of(ctx)
    options = session_options(env, QueueFilter(limit=env.config.session_limit), new=None, ahead=False)
    from drillcli.cli.plan import first_screen_lines

    lead = first_screen_lines(env)  # the interview countdown, and the challenges due after the cards
    if not run_session(env, options, Asking(), lead=lead):  # Ctrl-C means "stop now", not "what next?"
        from drillcli.cli.challenge_review import offer_due_challenges

        offer_due_challenges(env)  # due challenges within today's time, else a new one


def session_options(env: Env, flt: QueueFilter, *, new: int | None, ahead: bool) -> SessionOptions:
    cfg = env.config
    return SessionOptions(filter=flt, new=new, new_per_day=cfg.new_per_day, ahead=ahead,
                          learn_ahead=timedelta(minutes=cfg.learn_ahead_minutes),
                          desired_retention=cfg.desired_retention)


def run_session(env: Env, options: SessionOptions, asking: Asking, lead: list[str] | None = None) -> bool:
    """Run a session in the terminal; True if it was interrupted (Ctrl-C). `lead`: lines of markup shown
    above the first card (the screen is cleared for each card, so they go with it)."""
    con = console()
    require_width(con)
    session = StudySession(env.store, env.deck_refs, options, clock=utc_now, scheduler=env.scheduler)
    if session.planned == 0:
        for line in lead or []:
            con.print(line)
        render_nothing_due(con, session.summary(), options, asking, utc_now())
        return False
    deck = env.cards_for(session.plan)
    interrupted = False
    notice = "\n".join([*(lead or []), intro(session)])
    try:
        drive(con, KeyReader(), session, lambda cid, n: env.materialise(deck[cid], seed=n), notice)
    except KeyboardInterrupt:
        interrupted = True
        con.print("\n[dim]Stopped. Every grade given so far is saved.[/]")
    finally:
        session.close()
    render_summary(con, session.summary(), session.clock())
    return interrupted


def intro(session: StudySession) -> str:
    if session.options.ahead:
        lead = f"[bold]{session.planned} not yet due[/], reviewed early"
    else:
        new, soon = session.planned_new, session.planned_soon
        lead = f"[bold]{session.planned - new - soon} due[/], {new} new"
        if soon:
            lead += f", {soon} falling due within {session.options.learn_ahead.total_seconds() / 60:.0f} min"
    return f"{lead}. Space/Enter reveals · 1-4 grade · u undo · q quit"


def drive(con: Console, keys: KeyReader, session: StudySession, card_of: CardSource, notice: str) -> None:
    """Show cards until the session is done or the user quits."""
    shown = 0
    while True:
        step = session.next()
        if isinstance(step, Done):
            return
        if isinstance(step, Wait):
            if not wait_for(con, keys, session, step, card_of(step.card_id, shown)):
                return
            continue
        card = card_of(step.card_id, shown)
        shown += 1
        view = CardView(card=card, index=step.index, total=step.planned, state=step.state,
                        scheduler=session.scheduler, can_undo=session.can_undo, clock=session.clock,
                        again=step.again, notice=notice)
        action = show_card(con, view, keys)
        if isinstance(action, Quit):
            return
        if isinstance(action, Undo):
            notice = undo(session, card_of)
            continue
        result = save(con, keys, session, card, action.rating, action.duration_ms)
        if result is None:
            return
        notice = _refused(card) if isinstance(result, NotSaved) else ""


def save(con: Console, keys: KeyReader, session: StudySession, card: CardBase, rating: int,
         duration_ms: int) -> Graded | NotSaved | None:
    """Save a grade; while another process holds the database the grade stays on screen and is tried
    again every few seconds. None if the user gives up (q): then nothing of this grade is saved."""
    told = False
    while True:
        try:
            return session.grade(card.id, rating, duration_ms)
        except StoreBusy:
            if not told:
                con.print(f"[yellow]The database is busy (another drill is writing). Your grade "
                          f"{RATING_NAMES[rating]} for {escape(card_name(card))} is kept and retried every "
                          f"{RETRY_EVERY_S:.0f} s · q gives it up and ends the session[/]", soft_wrap=True)
                told = True
            if keys.key(timeout=RETRY_EVERY_S) == "q":
                con.print(f"[red]Not saved:[/] the grade of {escape(card_name(card))}.", soft_wrap=True)
                return None


def undo(session: StudySession, card_of: CardSource) -> str:
    """Take back the last grade; the line to show above the next card."""
    try:
        result = session.undo()
    except StoreBusy:
        return "[yellow]The database is busy (another drill is writing); nothing undone, try u again.[/]"
    if result.outcome is UndoOutcome.NOTHING or result.card_id is None:
        return "[dim]Nothing to undo yet.[/]"
    name = escape(card_name(card_of(result.card_id, 0)))
    if result.outcome is UndoOutcome.SUPERSEDED:
        return (f"[yellow]Not undone:[/] {name} was graded again since in another session; "
                "that newer grade stays.")
    rating = RATING_NAMES[result.rating] if result.rating else "grade"
    return f"[yellow]Undone:[/] the {rating} of {name} is taken back."


def _refused(card: CardBase) -> str:
    return (f"[yellow]Not saved:[/] today's budget of new cards was used up (in another session too), so "
            f"{escape(card_name(card))} stays new.")


def wait_for(con: Console, keys: KeyReader, session: StudySession, wait: Wait, card: CardBase) -> bool:
    """Only cards still learning are left: say when the next is due; wait for it with a countdown (w) or
    end (Enter/q). True to go on."""
    now = session.clock()
    con.print(f"Only cards still being learned are left. The next, {escape(card_name(card))}, is due "
              f"{human_delta(wait.due - now)}.", soft_wrap=True)
    con.print(f"[dim]w wait for it (it is shown {human_delta(wait.ready_at - now)}) · Enter or q end the "
              "session[/]", soft_wrap=True)
    while True:
        key = keys.key()
        if key in ("q", ENTER):
            return False
        if key == "w":
            break
    return countdown(con, keys, session, wait.ready_at)


def countdown(con: Console, keys: KeyReader, session: StudySession, until: datetime) -> bool:
    """A live countdown to `until`; False if the user ends it (q)."""
    with Live(console=con, auto_refresh=False, transient=True) as live:
        while (left := until - session.clock()) > timedelta(0):
            live.update(f"Next card in {_clock_face(left)} · q ends the session", refresh=True)
            if keys.key(timeout=min(1.0, left.total_seconds())) == "q":
                return False
    return True


def _clock_face(left: timedelta) -> str:
    minutes, seconds = divmod(max(0, round(left.total_seconds())), 60)
    return f"{minutes}:{seconds:02d}"


def render_summary(con: Console, summary: SessionSummary, now: datetime) -> None:
    minutes, seconds = divmod(int(summary.seconds), 60)
    con.rule("[bold]Session done")
    cards = f"{summary.cards} card{'s' if summary.cards != 1 else ''}"
    reviews = f"{summary.reviews} review{'s' if summary.reviews != 1 else ''}"
    if summary.reviews == 0:
        con.print("No card graded this time.")
    else:
        con.print(f"Reviewed [bold]{cards}[/] in {reviews} · Again {summary.again} · time {minutes}m{seconds:02d}s",
                  soft_wrap=True)
    if summary.due_now:
        con.print(f"{summary.due_now} card{'s are' if summary.due_now != 1 else ' is'} due now.")
    elif summary.next_due:
        con.print(f"Next card due {human_delta(summary.next_due - now)}.")


def render_nothing_due(con: Console, summary: SessionSummary, options: SessionOptions, asking: Asking,
                       now: datetime) -> None:
    if options.ahead:
        con.print("[bold green]No reviewed card to practise ahead[/] (new cards are never shown early).",
                  soft_wrap=True)
        return
    con.print("[bold green]Nothing due right now.[/]")
    if summary.next_due:
        con.print(f"Next card due {human_delta(summary.next_due - now)}. "
                  f"Practise ahead with [bold]{escape(asking.command('--ahead'))}[/].", soft_wrap=True)
    room = summary.new_left if options.new is None else options.new
    if summary.unseen and room == 0:
        waits = "new card waits" if summary.unseen == 1 else "new cards wait"
        why = "today's budget of new cards is spent" if options.new is None else "none were asked for"
        con.print(f"{summary.unseen} {waits}; {why}. "
                  f"Add more with [bold]{escape(asking.command('--new', '5'))}[/].", soft_wrap=True)
