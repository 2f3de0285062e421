"""Small text helpers shared by the Anki and Markdown exports."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from drillcli.bank.schema import NumericCard


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML in a card is shown as text, never interpreted: a bank cannot inject markup into Anki.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def md_to_html(text: str, *, inline: bool = False) -> str:
    if inline:
        return str(_renderer().renderInline(text)).strip()
    return str(_renderer().render(text)).strip()


def number_text(card: NumericCard) -> str:
    value = card.answer
    shown = f"{int(value):,}" if value == int(value) and abs(value) < 1e15 else f"{value:g}"
    unit = f" {card.unit}" if card.unit else ""
    tol = f" (± {card.tolerance:g})" if card.tolerance else ""
    return f"{shown}{unit}{tol}"
