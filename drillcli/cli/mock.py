"""`drill mock [--minutes M] [--topic T]`: a mock interview under one timer, ending with a saved scorecard.

The questions, the timer and the scoring are `study.mock`'s; this module reads keys and draws. The explain
questions reuse the card session's screens (the card panel, the model answer, the key-point checklist), the
numeric ones its typed-answer prompt and feedback, the challenge `drill code`'s countdown.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from drillcli.bank.challenges import Challenge, load_challenges
from drillcli.bank.schema import CardBase, ExplainCard, NumericCard
from drillcli.cli.cards import RETRY_EVERY_S, check_topic, utc_now
from drillcli.cli.context import Env
from drillcli.cli.keys import ENTER, SPACE, KeyReader
from drillcli.cli.render import clip, console, require_width, safe
from drillcli.cli.session_view import (
    CardView,
    _ask,
    _checklist,
    _show_feedback,
    _typed_hint,
    _wait,
    card_name,
    card_panel,
)
from drillcli.errors import DrillError, UsageError
from drillcli.store.tx import StoreBusy
from drillcli.study.answers import Unreadable, check_numeric, format_number, propose_explain
from drillcli.study.mock import (
    Area,
    Item,
    Level,
    MockPlan,
    MockRecorder,
    MockStatus,
    Scorecard,
    clock,
    coded,
    explained,
    finished,
    item_score,
    plan_mock,
    skipped,
    typed_answer,
)
from drillcli.study.scheduler import RATING_NAMES

TICK_S = 0.5
FINISH_TRIES = 5
LEVEL_STYLE = {Level.STRONG: "green", Level.FAIR: "yellow", Level.WEAK: "red"}
AREA_TITLES = {Area.EXPLAIN: "Explain", Area.NUMERIC: "Numeric", Area.CODING: "Coding"}


class StopMock(Exception):
    """The user stopped the mock (q, or Ctrl-C during the challenge)."""


@dataclass(frozen=True)
class CodingRun:
    """How the challenge went, as `drill code`'s loop tells it."""

    outcome: str
    verdict: str
    passed: int
    total: int
    hints: int
    seconds: float


# run_code(challenge, minutes) -> how it went
CodeRunner = Callable[[Challenge, float], CodingRun]


def mock_command(ctx: typer.Context, *, minutes: float, topic: str | None, device: str) -> None:
    from drillcli.cli.code import DEVICES

    if device not in DEVICES:
        raise UsageError(f"unknown device {device!r} (auto, cpu or cuda)")
    env = Env.of(ctx)
    name = check_topic(topic)
    challenges = {c.id: c for c in load_challenges(env.bank_dirs)}
    now = utc_now()
    plan = plan_mock(env.deck_refs, env.store.card_states(), list(challenges.values()), env.store.attempts(), now,
                     minutes=minutes, topic=name, seed=random.SystemRandom().randrange(2**31),
                     challenge_order=challenge_order(env, list(challenges.values())))
    if not plan.items:
        raise DrillError(f"no questions for a mock{' in ' + name if name else ''}: the bank has no explain, "
                         "numeric or coding questions there")
    con = console()
    require_width(con)
    keys = KeyReader()
    cards = env.cards_for([p.item_id for p in plan.items if p.area is not Area.CODING])
    titles = _titles(plan, cards, challenges)
    render_intro(con, plan, titles)
    if _wait(keys, {ENTER, SPACE, "q"}) == "q":
        con.print("[dim]No mock started; nothing saved.[/]")
        return
    recorder = MockRecorder(env.store, plan, utc_now(), env.scheduler)
    runner = MockScreen(con, keys, recorder, cards, challenges, env,
                        run_code=lambda c, m: run_challenge(env, c, m, device))
    card = runner.run()
    render_scorecard(con, card, titles)
    render_saved(con, card, recorder.mock_id)


def challenge_order(env: Env, challenges: list[Challenge]) -> list[str]:
    """The challenges as the schedule ranks them (`drill code` without an id): due first, then new ones by
    topic weakness and frequency."""
    if not challenges:
        return []
    from drillcli.cli.challenge_review import board, topic_recall
    from drillcli.study.challenge_schedule import ranked, topic_frequency

    b = board(env, challenges=challenges)
    order = ranked(b.infos, b.table, b.now, topic_recall=topic_recall(env, b.now),
                   frequency=topic_frequency(env.deck_refs))
    return [c.id for c in order]


def _titles(plan: MockPlan, cards: dict[str, CardBase], challenges: dict[str, Challenge]) -> dict[str, str]:
    titles = {}
    for p in plan.items:
        if p.area is Area.CODING:
            titles[p.item_id] = challenges[p.item_id].meta.title
        elif p.item_id in cards:
            titles[p.item_id] = _title(cards[p.item_id])
    return titles


class MockScreen:
    """Asks each planned question in turn under the overall timer; saves each answer as it is given."""

    def __init__(self, con: Console, keys: KeyReader, recorder: MockRecorder, cards: dict[str, CardBase],
                 challenges: dict[str, Challenge], env: Env, run_code: CodeRunner,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.con = con
        self.keys = keys
        self.recorder = recorder
        self.cards = cards
        self.challenges = challenges
        self.env = env
        self.run_code = run_code
        self.clock = clock

    def run(self) -> Scorecard:
        """Every question, until the end, the timer or the user stops it; then the saved scorecard."""
        status = MockStatus.DONE
        try:
            for item in list(self.recorder.items):
                if self.recorder.timer.is_up(self.clock()):
                    status = MockStatus.TIME_UP
                    self.con.print("[bold yellow]Time is up.[/] The questions not reached count as missed.")
                    break
                self._ask(item)
        except (StopMock, KeyboardInterrupt):
            status = MockStatus.STOPPED
            self.con.print()
        return self._finish(status)

    def _finish(self, status: MockStatus) -> Scorecard:
        """The scorecard, saved; a busy database is waited for a few times (every answer is saved already)."""
        for _ in range(FINISH_TRIES - 1):
            try:
                return self.recorder.finish(status, self.clock())
            except StoreBusy:
                time.sleep(RETRY_EVERY_S)
        return self.recorder.finish(status, self.clock())

    def _save(self, item: Item, now: datetime) -> None:
        """Save an answer; while another drill holds the database it is tried again every few seconds
        (q gives it up and stops the mock)."""
        told = False
        while True:
            try:
                self.recorder.record(item, now)
                return
            except StoreBusy:
                if not told:
                    self.con.print(f"[yellow]The database is busy (another drill is writing). This answer is kept "
                                   f"and retried every {RETRY_EVERY_S:.0f} s · q gives it up and stops the mock[/]")
                    told = True
                if self.keys.key(timeout=RETRY_EVERY_S) == "q":
                    raise StopMock from None

    def _ask(self, item: Item) -> None:
        if item.area is Area.CODING:
            self._code(item)
            return
        card = self.cards.get(item.item_id)
        if isinstance(card, ExplainCard):
            self._explain(item, card)
        elif isinstance(card, NumericCard):
            drawn = self.env.materialise(card, seed=self.recorder.plan.seed)  # a generated family: drawn afresh
            self._numeric(item, drawn if isinstance(drawn, NumericCard) else card)
        else:  # a card gone from the bank since the plan was made
            self._save(skipped(item), self.clock())

    def _header(self, item: Item) -> str:
        left = clock(self.recorder.timer.left_s(self.clock()))  # the mock's one clock, shown on every screen
        total = len(self.recorder.items)
        return (f"[bold]Mock interview[/] · question {item.position + 1}/{total} · "
                f"{AREA_TITLES[item.area].lower()} · [bold]{left}[/] left")

    def _view(self, item: Item, card: CardBase) -> CardView:
        return CardView(card=card, index=item.position + 1, total=len(self.recorder.items),
                        state=self.env.store.card_state(card.id), scheduler=self.recorder.scheduler,
                        can_undo=False, clock=self.clock, notice=self._header(item))

    def _draw(self, item: Item, card: CardBase) -> None:
        if self.con.is_terminal:
            self.con.clear()
        self.con.print(self._header(item), highlight=False)
        self.con.print(card_panel(self._view(item, card)))

    # explain: out loud, then the checklist

    def _explain(self, item: Item, card: ExplainCard) -> None:
        self._draw(item, card)
        seconds = self._answer_out_loud()
        self.con.print(Panel(Markdown(card.answer), title="Model answer", title_align="left", border_style="green"))
        ticked = _checklist(self.con, card, self.keys)
        if ticked is None:
            raise StopMock
        rating = propose_explain(card, ticked, seconds)
        done = explained(item, must_made=sum(1 for t in ticked if t.startswith("m")),
                         must_total=len(card.key_points.must), nice_made=sum(1 for t in ticked if t.startswith("n")),
                         nice_total=len(card.key_points.nice), seconds=seconds, rating=rating,
                         title=_title(card))
        self._save(done, self.clock())
        self.con.print(f"[dim]{clock(seconds)} · {done.must_made}/{done.must_total} must points · the card is "
                       f"graded {RATING_NAMES[rating]}[/]", highlight=False)
        self._pause()

    def _answer_out_loud(self) -> float:
        """Wait for Space/Enter under a live clock: this answer's time and the mock's time left."""
        started = time.monotonic()
        with Live(self._speaking(started), console=self.con, auto_refresh=False, transient=True) as live:
            while True:
                key = self.keys.key(timeout=TICK_S)
                if key in (SPACE, ENTER):
                    break
                if key == "q":
                    raise StopMock
                live.update(self._speaking(started), refresh=True)
        return time.monotonic() - started

    def _speaking(self, started: float) -> Text:
        left_s = self.recorder.timer.left_s(self.clock())
        left = (f"{clock(left_s)} left", "bold") if left_s > 0 else ("time is up: finish this answer", "bold red")
        return Text.assemble(("Answer out loud", "bold"), f" · this answer {clock(time.monotonic() - started)} · ",
                             left, " · Space/Enter: compare with the key points · q stop", style="dim")

    # numeric: a typed answer

    def _numeric(self, item: Item, card: NumericCard) -> None:
        self._draw(item, card)
        self.con.print(f"[dim]{_typed_hint(card)} · q stop[/]")
        started = time.monotonic()
        while True:
            typed = _ask(self.con, self.keys)
            if typed is None or typed == "q":
                raise StopMock
            seconds = time.monotonic() - started
            checked = check_numeric(card, typed, seconds)
            if not isinstance(checked, Unreadable):
                break
            self.con.print(f"[yellow]{safe(checked.reason)}[/]; type it again.", highlight=False, soft_wrap=True)
        _show_feedback(self.con, card, checked)
        expected = format_number(card.answer) + (f" {card.unit}" if card.unit else "")
        done = typed_answer(item, correct=checked.correct, typed=typed, expected=expected,
                            seconds=seconds, rating=checked.proposed, title=_title(card))
        self._save(done, self.clock())
        self._pause()

    def _pause(self) -> None:
        self.con.print("[dim]Enter: next question · q stop[/]")
        if _wait(self.keys, {ENTER, SPACE, "q"}) == "q":
            raise StopMock

    # coding: drill code's countdown, within the mock's time

    def _code(self, item: Item) -> None:
        challenge = self.challenges[item.item_id]
        minutes = self.recorder.timer.coding_minutes(challenge.meta.minutes, self.clock())
        if minutes is None:
            self._save(skipped(item), self.clock())
            self.con.print("[yellow]Too little time left to start the coding challenge.[/]")
            return
        if self.con.is_terminal:
            self.con.clear()
        self.con.print(self._header(item), highlight=False)
        try:
            run = self.run_code(challenge, minutes)
        except DrillError as exc:  # the grader could not start: the mock still ends with its scorecard
            self.con.print(f"[red]The challenge could not be graded:[/] {safe(exc.message)}", soft_wrap=True)
            run = CodingRun("grader_failed", "", 0, 0, 0, 0.0)
        self._save(coded(item, outcome=run.outcome, verdict=run.verdict, passed=run.passed,
                                   total=run.total, hints=run.hints, seconds=run.seconds, minutes=minutes,
                                   title=challenge.meta.title), self.clock())
        if run.outcome == "stopped":
            raise StopMock


def run_challenge(env: Env, challenge: Challenge, minutes: float, device: str) -> CodingRun:
    """One challenge as `drill code` runs it, from a fresh starter (an interview starts from a blank page)."""
    from drillcli.cli.code import run_timed

    kept = keep_earlier_work(challenge)
    if kept is not None:
        console().print(f"[dim]Your earlier file for this challenge is kept at {safe(kept)}.[/]", soft_wrap=True)
    loop = run_timed(env, challenge, minutes=minutes, device=device, fresh=True)
    outcome = str(loop.outcome.value) if loop.outcome is not None else "stopped"
    last = loop.tally.last
    seconds = loop.tally.solved_after_s if loop.tally.solved_after_s is not None else min(
        loop.elapsed_s, minutes * 60)
    return CodingRun(outcome=outcome, verdict=str(last.verdict) if last else "", passed=last.passed if last else 0,
                     total=last.total if last else 0, hints=loop.tally.hints_used, seconds=seconds)


def keep_earlier_work(challenge: Challenge) -> Path | None:
    """The workspace file of this challenge, when it holds work of the user's, copied into the attempts
    history before the mock starts it afresh; the copy's path."""
    from drillcli import paths
    from drillcli.coding.workspace import keep_copy, read_source

    path = paths.workspace_dir() / f"{challenge.id}.py"
    old = read_source(path)
    if not old or old == read_source(challenge.starter_path):
        return None
    kept = paths.attempts_dir() / challenge.id
    same = next((f for f in sorted(kept.glob("*.py")) if read_source(f) == old), None) if kept.is_dir() else None
    return same or keep_copy(challenge.id, old)  # a file graded before is in the history already


# --- screens ---------------------------------------------------------------------------------------------

def render_intro(con: Console, plan: MockPlan, titles: dict[str, str]) -> None:
    counts = {area: len(plan.of(area)) for area in Area}
    parts = [f"{counts[Area.EXPLAIN]} to explain out loud", f"{counts[Area.NUMERIC]} quick numeric"]
    if counts[Area.CODING]:
        parts.append("1 coding challenge")
    topic = f" · {plan.topic}" if plan.topic else ""
    con.rule(f"[bold]Mock interview · {plan.minutes:g} min{safe(topic)}")
    con.print(f"{', '.join(parts)}, under one clock that starts now. Explain answers are self-checked against "
              "their key points; every answer is saved as you go.")
    for note in plan.notes:
        con.print(f"[yellow]Note:[/] {safe(note)}.")
    coding = plan.of(Area.CODING)
    if coding:
        con.print(f"[dim]The challenge at the end: {safe(titles.get(coding[0].item_id, coding[0].item_id))}.[/]")
    con.print("[dim]Enter: start · q leave · Ctrl-C stops the mock at any point (what is done is kept)[/]")


def render_scorecard(con: Console, card: Scorecard, titles: dict[str, str]) -> None:
    con.rule("[bold]Scorecard")
    con.print(item_table(card, titles, con.width))
    con.print(area_table(card))
    style = LEVEL_STYLE[card.level]
    con.print(f"Overall [bold {style}]{card.score:.0%}[/] ({card.level}) in {clock(card.seconds)} · "
              f"{safe(card.verdict)}")


AREA_COLUMN_FROM = 80  # narrower, the area column goes (the order and "By area" say it) and the question stays


def item_table(card: Scorecard, titles: dict[str, str], width: int = AREA_COLUMN_FROM) -> Table:
    table = Table(title="Answers", title_justify="left", expand=True)
    with_area = width >= AREA_COLUMN_FROM
    for col, justify in (("#", "right"), *((("area", "left"),) if with_area else ()), ("question", "left"),
                         ("time", "right"), ("result", "left"), ("score", "right")):
        # the question gives way to the rest: cut short on one line, never wrapped
        question = col == "question"
        table.add_column(col, justify=justify, no_wrap=col != "result", overflow="ellipsis",  # type: ignore[arg-type]
                         ratio=1 if question else None, min_width=12 if question else None)
    for item in card.items:
        title = item.title or titles.get(item.item_id) or item.item_id
        time_text = clock(item.seconds) if item.answered else "–"
        area = (str(item.area),) if with_area else ()
        table.add_row(str(item.position + 1), *area, safe(clip(title, 100)), time_text,
                      _result(item), f"{item_score(item):.0%}" if item.answered else "–")
    return table


def _result(item: Item) -> str:
    if not item.answered:
        return "[dim]skipped: too little time[/]" if item.status == "skipped" else "[dim]not reached[/]"
    if item.area is Area.EXPLAIN:
        nice = f" · {item.nice_made}/{item.nice_total} nice" if item.nice_total else ""
        return f"{item.must_made}/{item.must_total} must{nice}"
    if item.area is Area.NUMERIC:
        mark = "[green]✓[/]" if item.correct else "[red]✗[/]"
        return f"{mark} {safe(item.typed)}" + ("" if item.correct else f" [dim](answer {safe(item.expected)})[/]")
    hints = f" · {item.hints} hint{'s' if item.hints != 1 else ''}"
    if item.outcome == "accepted":
        return f"[green]accepted[/] (limit {item.minutes:g} min){hints}"
    tests = f" · {item.passed}/{item.total} tests" if item.total else ""
    return f"[red]{safe(item.outcome.replace('_', ' '))}[/]{safe(tests)}{hints}"


def area_table(card: Scorecard) -> Table:
    table = Table(title="By area", title_justify="left")
    for col in ("area", "score", "level", "verdict"):
        table.add_column(col, justify="right" if col == "score" else "left")
    for area in card.areas:
        style = LEVEL_STYLE[area.level]
        table.add_row(AREA_TITLES[area.area], f"{area.score:.0%}", f"[{style}]{area.level}[/]", safe(area.verdict))
    return table


def render_saved(con: Console, card: Scorecard, mock_id: int) -> None:
    if card.status is MockStatus.STOPPED:
        done = sum(1 for i in card.items if finished(i))
        con.print(f"[yellow]Stopped.[/] The {done} answer{'s' if done != 1 else ''} given so far "
                  f"{'are' if done != 1 else 'is'} saved with this mock (#{mock_id}); the rest count as missed.")
    else:
        con.print(f"[dim]Saved as mock #{mock_id}. `drill report` shows your mocks over time.[/]")


def _title(card: CardBase) -> str:
    """A card as the scorecard names it: its prompt, shortened, without quotes or code marks."""
    return card_name(card).strip("“”").replace("`", "")
