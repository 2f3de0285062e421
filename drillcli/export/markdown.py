"""The bank as readable Markdown: one file per topic, every card with its answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drillcli.bank.schema import (
    CardBase,
    ClozeCard,
    ExplainCard,
    McqCard,
    NumericCard,
    RecallCard,
    ShortCard,
)
from drillcli.bank.topics import TOPICS, topic_title
from drillcli.errors import DrillError
from drillcli.export.markup import number_text


@dataclass(frozen=True)
class MarkdownSummary:
    folder: Path
    files: dict[str, int]  # file name -> cards


def write_markdown(cards: Iterable[CardBase], folder: Path) -> MarkdownSummary:
    by_topic: dict[str, list[CardBase]] = {}
    for card in cards:
        if not card.id.startswith("gen-"):
            by_topic.setdefault(card.topic, []).append(card)
    order = [t for t in TOPICS if t in by_topic] + sorted(set(by_topic) - set(TOPICS))
    files: dict[str, int] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for number, topic in enumerate(order, start=1):
            name = f"{number:02d}-{topic}.md"
            (folder / name).write_text(topic_markdown(topic, by_topic[topic]), encoding="utf-8")
            files[name] = len(by_topic[topic])
        (folder / "README.md").write_text(_index(order, files), encoding="utf-8")
    except OSError as exc:
        raise DrillError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    return MarkdownSummary(folder=folder, files=files)


def topic_markdown(topic: str, cards: list[CardBase]) -> str:
    parts = [f"# {topic_title(topic)}\n", f"{len(cards)} cards.\n"]
    parts += [card_markdown(c) for c in cards]
    return "\n".join(parts)


def card_markdown(card: CardBase) -> str:
    badges = [card.type, f"asked: {card.asked}"]
    if card.most_asked:
        badges.insert(0, "★ most asked")
    title = card.prompt.strip().splitlines()[0] if not isinstance(card, ClozeCard) else "Fill in the blanks"
    head = f"## {title}\n\n<sub>`{card.id}` · {' · '.join(badges)}</sub>\n"
    body = "\n".join(line for line in _body(card) if line is not None)
    return f"{head}\n{_rest_of_prompt(card)}{body}\n"


def _rest_of_prompt(card: CardBase) -> str:
    if isinstance(card, ClozeCard):
        return ""
    lines = card.prompt.strip().splitlines()
    return "\n".join(lines[1:]).strip() + "\n\n" if len(lines) > 1 else ""


def _body(card: CardBase) -> list[str | None]:
    if isinstance(card, ExplainCard):
        must = [f"- **must**: {p}" for p in card.key_points.must]
        nice = [f"- nice: {p}" for p in card.key_points.nice]
        return ["**Model answer.**\n", card.answer.strip(), "\n**Key points**\n", *must, *nice]
    if isinstance(card, ClozeCard):
        return [card.text.strip().replace("{{", "**").replace("}}", "**"), _why(card.explanation)]
    if isinstance(card, McqCard):
        choices = [f"{chr(97 + i)}. {c}" for i, c in enumerate(card.choices)]
        return [*choices, f"\n**Answer:** {card.answer}", _why(card.explanation)]
    if isinstance(card, NumericCard):
        return [f"**Answer:** {number_text(card)}", _why(card.explanation)]
    if isinstance(card, ShortCard):
        also = f" (also: {', '.join(card.aliases)})" if card.aliases else ""
        return [f"**Answer:** {card.answer}{also}", _why(card.explanation)]
    if isinstance(card, RecallCard):
        return [f"**Answer.** {card.answer.strip()}"]
    return []


def _why(text: str) -> str | None:
    return f"\n{text.strip()}" if text else None


def _index(order: list[str], files: dict[str, int]) -> str:
    rows = [f"| [{topic_title(t)}]({name}) | {files[name]} |"
            for t, name in zip(order, files)]
    return "# drillcli question bank\n\n| topic | cards |\n| --- | --- |\n" + "\n".join(rows) + "\n"
