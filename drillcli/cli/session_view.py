"""One card on screen: prompt, reveal or typed answer, checklist, grade bar. Returns what the user chose."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

import fsrs
from rich.live import Live
from rich.markdown import Markdown
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
from drillcli.cli.render import console, short_interval
from drillcli.store.models import CardState
from drillcli.study.answers import (
    LETTERS,
    Checked,
    check_mcq,
    check_numeric,
    check_short,
    propose_explain,
    shuffled_choices,
)
from drillcli.study.scheduler import GOOD, RATING_NAMES, preview_intervals

RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
POINT_LABELS = "abcdefghijklmnoprstvwxyz"  # no q (quit) and no u (undo)


@dataclass(frozen=True)
class CardView:
    card: CardBase
    index: int
    total: int
    state: CardState | None
    scheduler: fsrs.Scheduler
    can_undo: bool
    notice: str = ""  # a line of rich markup shown above the card (the screen is cleared before each card)


@dataclass(frozen=True)
class Grade:
    rating: int
    duration_ms: int


class Undo:
    pass


class Quit:
    pass


Action = Grade | Undo | Quit


def show_card(view: CardView, keys: KeyReader) -> Action:
    con = console()
    if con.is_terminal:
        con.clear()
    started = time.monotonic()
    if view.notice:
        con.print(view.notice, highlight=False)
    con.print(_card_panel(view))
    card = view.card
    if isinstance(card, (NumericCard, McqCard, ShortCard)):
        return _typed_flow(view, keys, started)
    return _self_graded_flow(view, keys, started)


def _header(view: CardView) -> str:
    card = view.card
    parts = [topic_title(card.topic), f"{view.index}/{view.total}", card.type]
    if card.most_asked:
        parts.append("★ most asked")
    if view.state is None:
        parts.append("new")
    elif view.state.is_leech:
        parts.append("leech")
    return " · ".join(parts)


def _card_panel(view: CardView) -> Panel:
    card = view.card
    body: Markdown | Text
    if isinstance(card, ClozeCard):
        prompt = f"{card.prompt}\n\n{CLOZE_BLANK.sub('`[ ... ]`', card.text)}"
        body = Markdown(prompt)
    else:
        body = Markdown(card.prompt)
    return Panel(body, title=_header(view), title_align="left", border_style="blue", padding=(1, 2))


# --- self-graded: explain, recall, cloze --------------------------------------------------------------

def _self_graded_flow(view: CardView, keys: KeyReader, started: float) -> Action:
    con = console()
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
        con.print(Panel(Markdown(card.answer), title="Model answer", title_align="left", border_style="green"))
        ticked = _checklist(card, keys)
        if ticked is None:
            return Quit()
        proposed = propose_explain(card, ticked, thinking_s)
    elif isinstance(card, ClozeCard):
        filled = CLOZE_BLANK.sub(lambda m: f"**{m.group(1)}**", card.text)
        extra = f"\n\n{card.explanation}" if card.explanation else ""
        con.print(Panel(Markdown(filled + extra), title="Answer", title_align="left", border_style="green"))
    else:
        con.print(Panel(Markdown(card.answer_text), title="Answer", title_align="left", border_style="green"))
    return _grade_bar(view, keys, started, proposed)


def _checklist(card: ExplainCard, keys: KeyReader) -> set[str] | None:
    """The key points as a checklist; letters toggle, Enter finishes. None if the user quit."""
    con = console()
    points = [(f"m{i}", "must", p) for i, p in enumerate(card.key_points.must)]
    points += [(f"n{i}", "nice", p) for i, p in enumerate(card.key_points.nice)]
    points = points[: len(POINT_LABELS)]
    labels = {POINT_LABELS[i]: pid for i, (pid, _, _) in enumerate(points)}
    ticked: set[str] = set()
    lead = "[dim]Tick the points you made: type their letters, then Enter.[/]"
    con.print(lead)
    if con.is_terminal and len(con.render_lines(_checklist_grid(points, ticked))) >= con.height:
        return _checklist_redrawn(points, labels, keys, lead)
    with Live(_checklist_grid(points, ticked), console=con, auto_refresh=False) as live:
        while True:
            key = _wait(keys, {ENTER, SPACE, "q", *labels})
            if key == "q":
                return None
            if key in (ENTER, SPACE):
                return ticked
            ticked ^= {labels[key]}
            live.update(_checklist_grid(points, ticked), refresh=True)


def _checklist_redrawn(points: list[tuple[str, str, str]], labels: dict[str, str], keys: KeyReader,
                       lead: str) -> set[str] | None:
    """A checklist taller than the terminal: a live display would hide its end behind '...', so each change
    redraws the screen from the top instead."""
    con = console()
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

def _typed_flow(view: CardView, keys: KeyReader, started: float) -> Action:
    con = console()
    card = view.card
    order: list[str] = []
    if isinstance(card, McqCard):
        order = shuffled_choices(card, view.index + (view.state.reps if view.state else 0))
        for letter, choice in zip(LETTERS, order):
            con.print(Text.assemble((f"  ({letter}) ", "cyan"), choice))
    con.print(_hint(_typed_hint(card), view.can_undo))
    typed = keys.line("answer› ")
    while typed is not None and not typed.strip():  # an Enter typed ahead is not an answer
        typed = keys.line("answer› ")
    if typed is None or typed.strip() == "q":
        return Quit()
    if typed.strip() == "u":
        return Undo()
    seconds = time.monotonic() - started
    checked = _check(card, order, typed, seconds)
    _show_feedback(card, checked)
    return _grade_bar(view, keys, started, checked.proposed)


def _typed_hint(card: CardBase) -> str:
    if isinstance(card, McqCard):
        return f"type a letter ({LETTERS[0]}-{LETTERS[len(card.choices) - 1]}) then Enter"
    if isinstance(card, NumericCard):
        unit = f" in {escape(card.unit)}" if card.unit else ""  # markup-safe: a unit may hold "[/]"
        return f"type a number{unit} then Enter"
    return "type your answer then Enter"


def _check(card: CardBase, order: list[str], typed: str, seconds: float) -> Checked:
    if isinstance(card, NumericCard):
        return check_numeric(card, typed, seconds)
    if isinstance(card, McqCard):
        return check_mcq(card, order, typed, seconds)
    assert isinstance(card, ShortCard)
    return check_short(card, typed, seconds)


def _show_feedback(card: CardBase, checked: Checked) -> None:
    con = console()
    mark = "[bold green]✓[/]" if checked.correct else "[bold red]✗[/]"
    con.print(f"{mark} {escape(checked.feedback)}", highlight=False)
    explanation = getattr(card, "explanation", "")
    if isinstance(card, ShortCard) and card.aliases:
        explanation = (explanation + "\n\n" if explanation else "") + "Also accepted: " + ", ".join(card.aliases)
    if explanation:
        con.print(Panel(Markdown(explanation), title="Why", title_align="left", border_style="green"))


# --- grading ----------------------------------------------------------------------------------------------

def _grade_bar(view: CardView, keys: KeyReader, started: float, proposed: int | None) -> Action:
    con = console()
    now = datetime.now(timezone.utc)
    dues = preview_intervals(view.scheduler, view.card.id, view.state, now)
    parts = []
    for rating, name in RATING_NAMES.items():
        label = f"{rating} {name} ({short_interval(dues[rating] - now)})"
        style = RATING_STYLE[rating] + (" reverse" if rating == proposed else "")
        parts.append(f"[{style}]{label}[/]")
    default = proposed or GOOD
    con.print("  ".join(parts))
    suggestion = "proposed" if proposed else "default"
    con.print(f"[dim]Enter: {RATING_NAMES[default]} ({suggestion}) · u undo · q quit[/]")
    # Enter only: a Space typed twice to reveal must not grade a card its user has not read yet.
    key = _wait(keys, {"1", "2", "3", "4", ENTER, "u", "q"})
    if key == "q":
        return Quit()
    if key == "u":
        return Undo()
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
