"""One card on screen: prompt, reveal or typed answer, checklist, grade bar. Returns what the user chose.

Every function here draws on the `Console` it is given, so screens are tested in-process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import fsrs
from rich.console import Console, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from drillcli.bank.schema import (
    CLOZE_BLANK,
    CardBase,
    ClozeCard,
    ExplainCard,
    McqCard,
    NumericCard,
    ShortCard,
)
from drillcli.bank.topics import topic_title
from drillcli.cli.keys import ENTER, SPACE, KeyReader
from drillcli.cli.render import markdown, preload_markdown, short_interval
from drillcli.store.models import CardState
from drillcli.study.answers import (
    LETTERS,
    Checked,
    Unreadable,
    check_mcq,
    check_numeric,
    check_short,
    propose_explain,
    shuffled_choices,
)
from drillcli.study.scheduler import GOOD, RATING_NAMES, preview_intervals

RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
POINT_LABELS = "abcdefghijklmnoprstvwxyz"  # no q (quit) and no u (undo)
NAME_LENGTH = 60


@dataclass(frozen=True)
class CardView:
    card: CardBase
    index: int
    total: int
    state: CardState | None
    scheduler: fsrs.Scheduler
    can_undo: bool
    clock: Callable[[], datetime]
    again: bool = False  # a learning or relearning step of a card already shown in this session
    notice: str = ""  # a line of rich markup shown above the card (the screen is cleared before each card)


@dataclass(frozen=True)
class Grade:
    rating: int
    duration_ms: int


class Undo:
    pass


class Quit:
    pass


class _Retype:
    """On the grade bar of a typed card: take the answer back and type it again."""


Action = Grade | Undo | Quit


def card_name(card: CardBase) -> str:
    """A card as messages name it: its prompt (a cloze card's sentence), shortened, quoted."""
    text = card.text if isinstance(card, ClozeCard) else card.prompt
    text = " ".join(CLOZE_BLANK.sub("…", text).replace("`", "").split())  # Markdown's code quotes read as noise
    if len(text) > NAME_LENGTH:
        text = text[: NAME_LENGTH - 1].rstrip() + "…"
    return f"“{text}”"


def show_card(con: Console, view: CardView, keys: KeyReader) -> Action:
    started = time.monotonic()
    _draw(con, view)
    preload_markdown()  # while the prompt is read: an answer in Markdown is drawn at once on Space
    card = view.card
    if isinstance(card, (NumericCard, McqCard, ShortCard)):
        return _typed_flow(con, view, keys, started)
    return _self_graded_flow(con, view, keys, started)


def _draw(con: Console, view: CardView) -> None:
    if con.is_terminal:
        con.clear()
    if view.notice:
        con.print(view.notice, highlight=False)  # wrapped at words, not cut inside one
    con.print(card_panel(view))


def header(view: CardView) -> str:
    card = view.card
    count = f"{view.index}/{view.total}" + (" (again)" if view.again else "")
    parts = [topic_title(card.topic), count, card.type]
    if card.most_asked:
        parts.append("★ most asked")
    if view.state is None:
        parts.append("new")
    elif view.state.is_leech:
        parts.append("leech")
    return " · ".join(parts)


def card_panel(view: CardView) -> Panel:
    card = view.card
    body: RenderableType
    if isinstance(card, ClozeCard):
        prompt = f"{card.prompt}\n\n{CLOZE_BLANK.sub('`[ ... ]`', card.text)}"
        body = markdown(prompt)
    else:
        body = markdown(card.prompt)
    title = Text(header(view), overflow="ellipsis")  # cut with '…' on a narrow terminal, never mid-separator
    return Panel(body, title=title, title_align="left", border_style="blue", padding=(1, 2))


# --- self-graded: explain, recall, cloze --------------------------------------------------------------

def _self_graded_flow(con: Console, view: CardView, keys: KeyReader, started: float) -> Action:
    lead = "Answer out loud as in an interview, then Space/Enter to compare" if isinstance(
        view.card, ExplainCard) else "Space/Enter reveal"
    con.print(_hint(lead, view.can_undo))
    key = _wait(keys, {SPACE, ENTER, "u", "q"})
    if key == "q":
        return Quit()
    if key == "u":
        return Undo()
    thinking_s = time.monotonic() - started
    card = view.card
    proposed: int | None = None
    if isinstance(card, ExplainCard):
        con.print(Panel(markdown(card.answer), title="Model answer", title_align="left", border_style="green"))
        ticked = _checklist(con, card, keys)
        if ticked is None:
            return Quit()
        proposed = propose_explain(card, ticked, thinking_s)
    elif isinstance(card, ClozeCard):
        filled = CLOZE_BLANK.sub(lambda m: f"**{m.group(1)}**", card.text)
        extra = f"\n\n{card.explanation}" if card.explanation else ""
        con.print(Panel(markdown(filled + extra), title="Answer", title_align="left", border_style="green"))
    else:
        con.print(Panel(markdown(card.answer_text), title="Answer", title_align="left", border_style="green"))
    action = _grade_bar(con, view, keys, started, proposed, typed=False)
    assert not isinstance(action, _Retype)
    return action


def _checklist(con: Console, card: ExplainCard, keys: KeyReader) -> set[str] | None:
    """The key points as a checklist; letters toggle, Enter finishes. None if the user quit."""
    points = [(f"m{i}", "must", p) for i, p in enumerate(card.key_points.must)]
    points += [(f"n{i}", "nice", p) for i, p in enumerate(card.key_points.nice)]
    points = points[: len(POINT_LABELS)]
    labels = {POINT_LABELS[i]: pid for i, (pid, _, _) in enumerate(points)}
    ticked: set[str] = set()
    lead = "[dim]Tick the points you made: type their letters, then Enter.[/]"
    con.print(lead)
    if con.is_terminal and len(con.render_lines(_checklist_grid(points, ticked))) >= con.height:
        return _checklist_redrawn(con, points, labels, keys, lead)
    with Live(_checklist_grid(points, ticked), console=con, auto_refresh=False) as live:
        while True:
            key = _wait(keys, {ENTER, SPACE, "q", *labels})
            if key in ("q", ENTER, SPACE):
                break
            ticked ^= {labels[key]}
            live.update(_checklist_grid(points, ticked), refresh=True)
    if not con.is_terminal:
        con.line()  # off a terminal the live display ends without a newline
    return None if key == "q" else ticked


def _checklist_redrawn(con: Console, points: list[tuple[str, str, str]], labels: dict[str, str],
                       keys: KeyReader, lead: str) -> set[str] | None:
    """A checklist taller than the terminal: a live display would hide its end behind '...', so each change
    redraws the screen from the top instead."""
    ticked: set[str] = set()
    while True:
        con.clear()
        con.print(lead)
        con.print(_checklist_grid(points, ticked))
        key = _wait(keys, {ENTER, SPACE, "q", *labels})
        if key == "q":
            return None
        if key in (ENTER, SPACE):
            return ticked
        ticked ^= {labels[key]}


def _checklist_grid(points: list[tuple[str, str, str]], ticked: set[str]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for i, (pid, kind, text) in enumerate(points):
        box = Text(f"  [{'x' if pid in ticked else ' '}] {POINT_LABELS[i]}", style="green" if pid in ticked else "cyan")
        grid.add_row(box, Text(kind, style="bold" if kind == "must" else "dim"), Text(text))
    musts = sum(1 for pid in ticked if pid.startswith("m"))
    total = sum(1 for _, kind, _ in points if kind == "must")
    grid.add_row("", "", Text(f"{musts}/{total} must points made", style="dim"))
    return grid


# --- typed: numeric, mcq, short -------------------------------------------------------------------------

def _typed_flow(con: Console, view: CardView, keys: KeyReader, started: float) -> Action:
    """Ask for the answer until it can be read; an unreadable one is asked again with its reason, never
    graded. On the grade bar `u` takes the answer back (it is typed again); at the answer prompt a line
    `u` takes back the last grade."""
    card = view.card
    order = shuffled_choices(card, view.index + (view.state.reps if view.state else 0)) if isinstance(
        card, McqCard) else []
    _show_choices(con, order)
    con.print(_hint(_typed_hint(card), view.can_undo))
    first: int | None = None  # the first answer's proposal: a retyped answer was typed after seeing it
    while True:
        typed = _ask(con, keys)
        if typed is None or typed == "q":
            return Quit()
        if typed == "u":
            return Undo()
        checked = _check(card, order, typed, time.monotonic() - started)
        if isinstance(checked, Unreadable):
            con.print(f"[yellow]{escape(checked.reason)}[/]; type it again.", highlight=False, soft_wrap=True)
            continue
        _show_feedback(con, card, checked)
        proposed = checked.proposed if first is None else min(first, checked.proposed)
        if proposed < checked.proposed:
            con.print(f"[dim]{RATING_NAMES[proposed]} stays proposed, as for your first answer (this one came "
                      f"after seeing the answer); press {checked.proposed} if the first was only a typo.[/]")
        first = proposed
        action = _grade_bar(con, view, keys, started, proposed, typed=True)
        if not isinstance(action, _Retype):
            return action
        if con.is_terminal:
            _draw(con, view)
            _show_choices(con, order)
        con.print("[dim]Answer cleared: type it again.[/]")


def _ask(con: Console, keys: KeyReader) -> str | None:
    """A non-empty typed line, stripped (an Enter typed ahead is not an answer); None at end of input."""
    while True:
        typed = keys.line("answer› ", con.file)
        if typed is None or typed.strip():
            return typed.strip() if typed is not None else None


def _show_choices(con: Console, order: list[str]) -> None:
    for letter, choice in zip(LETTERS, order):
        con.print(Text.assemble((f"  ({letter}) ", "cyan"), choice))


def _typed_hint(card: CardBase) -> str:
    if isinstance(card, McqCard):
        return f"type a letter ({LETTERS[0]}-{LETTERS[len(card.choices) - 1]}) then Enter"
    if isinstance(card, NumericCard):
        unit = f" in {escape(card.unit)}" if card.unit else ""  # markup-safe: a unit may hold "[/]"
        return f"type a number{unit} (4.2M, 4.2e6, 1/4, 25% work) then Enter"
    return "type your answer then Enter"


def _check(card: CardBase, order: list[str], typed: str, seconds: float) -> Checked | Unreadable:
    if isinstance(card, NumericCard):
        return check_numeric(card, typed, seconds)
    if isinstance(card, McqCard):
        return check_mcq(card, order, typed, seconds)
    assert isinstance(card, ShortCard)
    return check_short(card, typed, seconds)


def _show_feedback(con: Console, card: CardBase, checked: Checked) -> None:
    mark = "[bold green]✓[/]" if checked.correct else "[bold red]✗[/]"
    con.print(f"{mark} {escape(checked.feedback)}", highlight=False, soft_wrap=True)
    explanation = getattr(card, "explanation", "")
    if isinstance(card, ShortCard) and card.aliases:
        explanation = (explanation + "\n\n" if explanation else "") + "Also accepted: " + ", ".join(card.aliases)
    if explanation:
        con.print(Panel(markdown(explanation), title="Why", title_align="left", border_style="green"))


# --- grading ----------------------------------------------------------------------------------------------

def grade_bar_text(view: CardView, proposed: int | None, now: datetime) -> str:
    dues = preview_intervals(view.scheduler, view.card.id, view.state, now)
    parts = []
    for rating, name in RATING_NAMES.items():
        label = f"{rating} {name} ({short_interval(dues[rating] - now)})"
        style = RATING_STYLE[rating] + (" reverse" if rating == proposed else "")
        parts.append(f"[{style}]{label}[/]")
    return "  ".join(parts)


def _grade_bar(con: Console, view: CardView, keys: KeyReader, started: float, proposed: int | None,
               typed: bool) -> Action | _Retype:
    con.print(grade_bar_text(view, proposed, view.clock()))
    default = proposed or GOOD
    suggestion = "proposed" if proposed else "default"
    undo = "u retype the answer" if typed else "u undo"
    con.print(f"[dim]Enter: {RATING_NAMES[default]} ({suggestion}) · {undo} · q quit[/]")
    # Enter only: a Space typed twice to reveal must not grade a card its user has not read yet.
    key = _wait(keys, {"1", "2", "3", "4", ENTER, "u", "q"})
    if key == "q":
        return Quit()
    if key == "u":
        return _Retype() if typed else Undo()
    rating = default if key == ENTER else int(key)
    return Grade(rating=rating, duration_ms=int((time.monotonic() - started) * 1000))


def _hint(text: str, can_undo: bool) -> str:
    undo = " · u undo" if can_undo else ""
    return f"[dim]{text}{undo} · q quit[/]"


def _wait(keys: KeyReader, allowed: set[str]) -> str:
    """Block until one of `allowed` is pressed; other keys are ignored."""
    while True:
        key = keys.key()
        if key is None:
            continue
        key = key.lower() if len(key) == 1 and key.isalpha() else key
        if key in allowed:
            return key
