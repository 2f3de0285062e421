"""Shared rendering helpers: the console, errors, small formatters."""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import sys
import threading
from datetime import datetime, timedelta
from functools import lru_cache

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.text import Text

from drillcli.errors import DrillError

MIN_WIDTH = 40


@lru_cache(maxsize=1)
def console() -> Console:
    return Console(highlight=False)


@lru_cache(maxsize=1)
def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def safe(text: object) -> str:
    """Text from a bank, a file name or a message, made safe to put inside Rich markup: `[/]` or `[bold]`
    in a card shows as written instead of styling the screen or raising a MarkupError."""
    return escape(str(text))


def print_json(data: object) -> None:
    """One JSON document on stdout; non-ASCII text is escaped where stdout cannot encode it."""
    from drillcli.cli.streams import stdout_is_unicode

    out(json.dumps(data, indent=2, ensure_ascii=not stdout_is_unicode()) + "\n")


def print_error(exc: DrillError) -> None:
    con = err_console()
    con.print(f"[bold red]error:[/] {safe(exc.message)}", markup=True, soft_wrap=True)
    for line in exc.details[1:] if len(exc.details) > 1 else []:
        con.print(line, markup=False, soft_wrap=True)


def require_width(con: Console) -> None:
    if con.is_terminal and con.width < MIN_WIDTH:
        raise DrillError(f"the terminal is {con.width} columns wide; drill needs at least {MIN_WIDTH}")


def human_delta(delta: timedelta) -> str:
    """The one wording of an interval: 'in 40 s', 'in 10 min', 'in 3 h', 'in 1 day', 'in 4 months'.

    Each unit is rounded first and a rounded value that fills the next unit moves up to it, so a card
    due in 23.7 hours reads 'in 1 day' here and on the grade bar alike, never 'in 24 h'.
    """
    seconds = max(1, round(delta.total_seconds()))
    if seconds < 60:
        return f"in {seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"in {minutes} min"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"in {hours} h"
    days = round(seconds / 86400)
    if days < 60:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"in {round(days / 30)} months"


def short_interval(delta: timedelta) -> str:
    return human_delta(delta).removeprefix("in ")


def clip(text: str, width: int) -> str:
    """`text` on one line, at most `width` characters, ending in … when cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


# --- Markdown, without its import on the way to the first card ------------------------------------------

_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# Outside code spans, anything Markdown would read as markup, a line break, a doubled space or an entity.
_MARKUP = re.compile(r"[*_#\[\]>|<\\&`~]|\n|  |^\s|\s$|^\s*[-+]\s|^\s*\d+[.)]\s")


def markdown(text: str) -> RenderableType:
    """`text` as rich's Markdown draws it. Text whose only markup is `code` spans (most prompts) is built
    as styled Text, which draws exactly the same (a test holds them equal over the bundled bank), without
    importing the Markdown parser and Pygments: that import is about 90 ms, a third of the time to the first
    card. Anything else goes through Markdown."""
    if _MARKUP.search(_CODE_SPAN.sub("", text)):
        from rich.markdown import Markdown

        return Markdown(text)
    out = Text(justify="left")
    pos = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(text[pos:span.start()])
        out.append(span.group(1), style="markdown.code")
        pos = span.end()
    out.append(text[pos:])
    return out


_preloading: list[threading.Thread] = []


def preload_markdown() -> None:
    """Import the Markdown parser in the background (once), while the user reads a card: an answer revealed
    next is drawn without waiting for the import. Not a daemon: an exit waits for the import to finish
    instead of stopping it halfway."""
    if not _preloading and "rich.markdown" not in sys.modules:
        thread = threading.Thread(target=_import_quietly, args=("rich.markdown",), name="preload-markdown")
        _preloading.append(thread)
        thread.start()


def _import_quietly(module: str) -> None:
    """A failure here would print a thread's traceback over the card: the import on first use says it."""
    with contextlib.suppress(Exception):
        importlib.import_module(module)
