"""The bank's cards as an Anki deck (.apkg), written with genanki.

One note type per card type that makes sense in Anki: explain (the model answer and the key points on the
back), basic (recall and numeric), multiple choice, typed answer (short answers, compared by Anki), and
Anki's own cloze for cloze cards. Ids of note types and the deck are fixed, and each note's GUID comes from
the card id, so importing a newer deck updates the notes already in Anki instead of duplicating them.
Generated numeric drills are left out: they are drawn afresh each time and have no fixed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drillcli.bank.schema import (
    CLOZE_BLANK,
    CardBase,
    ClozeCard,
    ExplainCard,
    McqCard,
    NumericCard,
    RecallCard,
    ShortCard,
)
from drillcli.bank.topics import topic_title
from drillcli.errors import DrillError
from drillcli.export.markup import md_to_html, number_text

DECK_ID = 1_690_420_481
DECK_NAME = "drillcli · deep-learning interviews"
CSS = """.card { font-family: -apple-system, "Segoe UI", sans-serif; font-size: 18px; line-height: 1.45;
  text-align: left; max-width: 46em; margin: 0 auto; color: #1d2330; background: #fff; }
.topic { font-size: 13px; color: #6b7385; text-transform: uppercase; letter-spacing: .05em; }
code, pre { font-family: "JetBrains Mono", Menlo, monospace; font-size: 15px; }
pre { background: #f4f5f8; padding: .6em .8em; border-radius: 6px; overflow-x: auto; }
.points li.must::marker { content: "● "; color: #c2410c; } .points li.nice::marker { content: "○ "; }
.choices { list-style: upper-alpha; } .why { color: #3b4252; border-top: 1px solid #dde; padding-top: .4em; }
.nightMode .card, .night_mode .card { color: #e6e6e6; background: #1e1f24; }
.nightMode pre, .night_mode pre { background: #2a2c33; }"""

_HEADER = '<div class="topic">{{Topic}}</div>\n'


@dataclass(frozen=True)
class DeckSummary:
    path: Path
    notes: int
    by_type: dict[str, int]
    skipped: int


def _models() -> dict[str, Any]:
    import genanki

    def model(model_id: int, name: str, fields: list[str], qfmt: str, afmt: str, **kw: Any) -> Any:
        return genanki.Model(model_id, name, fields=[{"name": f} for f in fields],
                             templates=[{"name": "Card 1", "qfmt": qfmt, "afmt": afmt}], css=CSS, **kw)

    front = _HEADER + "{{Front}}"
    back = '{{FrontSide}}<hr id="answer">{{Back}}'
    return {
        "explain": model(1_690_420_501, "drillcli explain", ["Front", "Back", "Points", "Topic"],
                         front + '<p><i>Answer out loud, then compare.</i></p>',
                         _HEADER + '{{Front}}<hr id="answer">{{Back}}<h4>Key points</h4>{{Points}}'),
        "basic": model(1_690_420_502, "drillcli basic", ["Front", "Back", "Topic"], front, back),
        "mcq": model(1_690_420_503, "drillcli multiple choice", ["Front", "Choices", "Back", "Topic"],
                     front + "{{Choices}}", _HEADER + '{{Front}}{{Choices}}<hr id="answer">{{Back}}'),
        "short": model(1_690_420_504, "drillcli typed answer", ["Front", "Answer", "Back", "Topic"],
                       front + "<br>{{type:Answer}}", _HEADER + '{{Front}}<hr id="answer">{{type:Answer}}{{Back}}'),
        "cloze": genanki.Model(
            1_690_420_505, "drillcli cloze", fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Topic"}],
            templates=[{"name": "Cloze", "qfmt": _HEADER + "{{cloze:Text}}",
                        "afmt": _HEADER + "{{cloze:Text}}<br>{{Extra}}"}],
            css=CSS, model_type=genanki.Model.CLOZE),
    }


def note_fields(card: CardBase) -> tuple[str, list[str]]:
    """The note type and field values (HTML) for one card."""
    topic = topic_title(card.topic)
    if isinstance(card, ExplainCard):
        points = [f'<li class="must">{md_to_html(p, inline=True)}</li>' for p in card.key_points.must]
        points += [f'<li class="nice">{md_to_html(p, inline=True)}</li>' for p in card.key_points.nice]
        return "explain", [md_to_html(card.prompt), md_to_html(card.answer),
                           f'<ul class="points">{"".join(points)}</ul>', topic]
    if isinstance(card, ClozeCard):
        text = CLOZE_BLANK.sub(lambda m: "{{c1::" + m.group(1).replace("}", "") + "}}", card.text)
        extra = md_to_html(card.explanation) if card.explanation else ""
        lead = "" if card.prompt == "Fill in the blanks." else md_to_html(card.prompt)
        return "cloze", [lead + md_to_html(text), extra, topic]
    if isinstance(card, McqCard):
        choices = "".join(f"<li>{md_to_html(c, inline=True)}</li>" for c in card.choices)
        back = f"<p><b>{md_to_html(card.answer, inline=True)}</b></p>" + _why(card.explanation)
        return "mcq", [md_to_html(card.prompt), f'<ol class="choices">{choices}</ol>', back, topic]
    if isinstance(card, ShortCard):
        also = f"<p>Also accepted: {', '.join(md_to_html(a, inline=True) for a in card.aliases)}</p>" \
            if card.aliases else ""
        return "short", [md_to_html(card.prompt), _plain(card.answer), also + _why(card.explanation), topic]
    if isinstance(card, NumericCard):
        back = f"<p><b>{number_text(card)}</b></p>" + _why(card.explanation)
        return "basic", [md_to_html(card.prompt), back, topic]
    if isinstance(card, RecallCard):
        return "basic", [md_to_html(card.prompt), md_to_html(card.answer), topic]
    raise DrillError(f"card {card.id}: type {card.type} has no Anki note type")


def card_tags(card: CardBase) -> list[str]:
    tags = [f"drill::topic::{card.topic}", f"drill::asked::{card.asked}",
            f"drill::type::{card.type}"]
    if card.most_asked:
        tags.append("drill::most-asked")
    tags += [f"drill::tag::{re.sub(r'[^A-Za-z0-9_.-]+', '-', t)}" for t in card.tags or []]
    return tags


def write_deck(cards: list[CardBase], target: Path) -> DeckSummary:
    import genanki

    models = _models()
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    by_type: dict[str, int] = {}
    skipped = 0
    for card in cards:
        if card.id.startswith("gen-"):
            skipped += 1
            continue
        kind, fields = note_fields(card)
        deck.add_note(genanki.Note(model=models[kind], fields=fields, tags=card_tags(card),
                                   guid=genanki.guid_for("drillcli", card.id), sort_field=card.id))
        by_type[kind] = by_type.get(kind, 0) + 1
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        genanki.Package(deck).write_to_file(str(target))
    except OSError as exc:
        raise DrillError(f"cannot write {target}: {exc.strerror or exc}") from None
    return DeckSummary(path=target, notes=sum(by_type.values()), by_type=by_type, skipped=skipped)


def _why(text: str) -> str:
    return f'<div class="why">{md_to_html(text)}</div>' if text else ""


def _plain(text: str) -> str:
    """A typed-answer field is compared as text by Anki, so it holds no markup."""
    return re.sub(r"[`*_]", "", text)
