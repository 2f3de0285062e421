"""`drill list [cards|challenges]`: what is in the bank, with each item's state."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

import typer
from rich.table import Table

from drillcli.bank.topics import TOPICS, topic_title
from drillcli.cli.context import Env
from drillcli.cli.render import console, human_delta, print_json, safe
from drillcli.errors import UsageError
from drillcli.study.states import card_label


@dataclass(frozen=True)
class CardRow:
    id: str
    topic: str
    type: str
    most_asked: bool
    state: str


@dataclass(frozen=True)
class ChallengeRow:
    id: str
    topic: str
    difficulty: str
    solved: bool
    title: str
    attempts: int
    due: bool  # something to do now: never solved and not waiting for its date, or due to be solved again
    state: str = "new"  # new, started, due, scheduled (challenge_schedule.ChallengeStatus)
    due_at: str | None = None  # when it is (or was) due, ISO
    best_s: float | None = None  # fastest timed solve, seconds


CHALLENGE_JSON_KEYS = ("id", "topic", "difficulty", "solved", "due")


def list_command(ctx: typer.Context, *, what: str, topic: str | None, as_json: bool) -> None:
    """What is in the bank, with each item's state."""
    topic = topic.lower() if topic is not None else None
    if topic is not None and topic not in TOPICS:
        raise UsageError(f"unknown topic {topic!r} (topics: {', '.join(TOPICS)})")
    env = Env.of(ctx, read_only=True)
    if what == "cards":
        rows = card_rows(env, topic)
        print_json([asdict(r) for r in rows]) if as_json else _render_cards(rows)
    else:
        crow = challenge_rows(env, topic)
        if as_json:
            print_json([{k: v for k, v in asdict(r).items() if k in CHALLENGE_JSON_KEYS} for r in crow])
        else:
            _render_challenges(crow)


def card_rows(env: Env, topic: str | None) -> list[CardRow]:
    now = datetime.now(timezone.utc)
    states = env.store.card_states()
    return [CardRow(c.id, c.topic, c.type, c.most_asked, card_label(states.get(c.id), now))
            for c in env.deck.values() if topic is None or c.topic == topic]


def challenge_rows(env: Env, topic: str | None) -> list[ChallengeRow]:
    from drillcli.cli.challenge_review import board
    from drillcli.study.challenge_schedule import ChallengeStatus

    b = board(env)  # from the cached infos: no challenge.yaml read
    rows = []
    for ch in b.infos:
        if topic is not None and ch.topic != topic:
            continue
        s = b.table[ch.id]
        rows.append(ChallengeRow(ch.id, ch.topic, ch.difficulty, s.solved, ch.title, s.attempts,
                                 due=s.status is not ChallengeStatus.SCHEDULED, state=str(s.status),
                                 due_at=s.due.isoformat(timespec="minutes") if s.due else None, best_s=s.best_solve_s))
    return rows


STATE_STYLE = {"new": "dim", "learning": "yellow", "relearning": "yellow", "review": "green",
               "due": "bold magenta", "leech": "bold red"}


def _render_cards(rows: list[CardRow]) -> None:
    con = console()
    table = Table(title=f"{len(rows)} cards", title_justify="left")
    for col in ("id", "topic", "type", "state"):
        table.add_column(col)
    for r in rows:
        star = " ★" if r.most_asked else ""
        table.add_row(safe(r.id) + star, safe(r.topic), safe(r.type), f"[{STATE_STYLE.get(r.state, '')}]{r.state}[/]")
    con.print(table)
    con.print(_topic_counts(rows))


def _topic_counts(rows: list[CardRow]) -> Table:
    table = Table(title="Per topic", title_justify="left")
    for col in ("topic", "cards", "new", "due", "learning", "review", "leech"):
        table.add_column(col, justify="right" if col != "topic" else "left")
    by_topic: dict[str, Counter[str]] = {}
    for r in rows:
        by_topic.setdefault(r.topic, Counter())[r.state] += 1
    for topic in [t for t in TOPICS if t in by_topic] + sorted(set(by_topic) - set(TOPICS)):
        c = by_topic[topic]
        table.add_row(safe(topic_title(topic)), str(sum(c.values())), str(c["new"]), str(c["due"]),
                      str(c["learning"] + c["relearning"]), str(c["review"]), str(c["leech"]))
    return table


CHALLENGE_STYLE = {"new": "dim", "started": "yellow", "due": "bold magenta", "scheduled": "green"}


def _render_challenges(rows: list[ChallengeRow]) -> None:
    """One line per challenge; the title only where the terminal has room for it (ids are what one types)."""
    now = datetime.now(timezone.utc)
    con = console()
    with_title = con.width >= 140
    table = Table(title=f"{len(rows)} challenges", title_justify="left")
    table.add_column("id", no_wrap=True, min_width=max((len(r.id) for r in rows), default=2))  # typed: never cut
    if with_title:
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=40)
    for col in ("topic", "level", "state", "due", "best", "tries"):
        table.add_column(col, justify="right" if col in ("best", "tries") else "left", no_wrap=True)
    for r in rows:
        state = f"[{CHALLENGE_STYLE.get(r.state, '')}]{r.state}[/]" + (" [green]✓[/]" if r.solved else "")
        cells = [safe(r.topic), safe(r.difficulty), state, _when(r.due_at, now), _duration(r.best_s),
                 str(r.attempts) if r.attempts else "[dim]–[/]"]
        table.add_row(safe(r.id), *([safe(r.title)] if with_title else []), *cells)
    con.print(table)


def _when(due_at: str | None, now: datetime) -> str:
    if due_at is None:
        return "[dim]–[/]"
    due = datetime.fromisoformat(due_at)
    return "[bold]now[/]" if due <= now else human_delta(due - now)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "[dim]–[/]"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s"
