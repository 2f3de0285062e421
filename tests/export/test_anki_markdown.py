"""The Anki deck opened as Anki opens it (a zip holding a SQLite collection), and the Markdown export."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from drillcli.bank.loader import load_bank
from drillcli.bank.schema import CardBase, ClozeCard, ExplainCard, McqCard
from drillcli.export.anki import write_deck
from drillcli.export.markdown import write_markdown
from tests.conftest import FIXTURE_BANK

FIELD_SEP = "\x1f"


def fixture_cards() -> list[CardBase]:
    return load_bank([FIXTURE_BANK], use_cache=False).cards


def open_collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", tmp_path)
    return sqlite3.connect(tmp_path / "collection.anki2")


def test_every_card_is_a_note_with_its_fields_and_tags(tmp_path: Path) -> None:
    cards = fixture_cards()
    summary = write_deck(cards, tmp_path / "deck.apkg")
    db = open_collection(tmp_path / "deck.apkg", tmp_path)

    notes = db.execute("SELECT flds, tags, sfld FROM notes").fetchall()
    assert len(notes) == summary.notes == len(cards)
    by_id = {sfld: (flds.split(FIELD_SEP), tags.split()) for flds, tags, sfld in notes}
    assert set(by_id) == {c.id for c in cards}
    for card in cards:
        fields, tags = by_id[card.id]
        assert f"drill::topic::{card.topic}" in tags
        assert f"drill::asked::{card.asked}" in tags
        if isinstance(card, ExplainCard):
            assert all(p.split("`")[0][:20] in fields[2] for p in card.key_points.must)
        if isinstance(card, ClozeCard):
            assert fields[0].count("{{c1::") == len(card.blanks)
        if isinstance(card, McqCard):
            assert fields[1].count("<li>") == len(card.choices)


def test_note_types_match_card_types(tmp_path: Path) -> None:
    cards = fixture_cards()
    write_deck(cards, tmp_path / "deck.apkg")
    db = open_collection(tmp_path / "deck.apkg", tmp_path)
    import json

    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    names = {m["name"]: m["type"] for m in models.values()}
    assert names.get("drillcli cloze") == 1  # Anki's cloze note type
    used = {models[str(mid)]["name"] for (mid,) in db.execute("SELECT DISTINCT mid FROM notes")}
    expected = {"explain": "drillcli explain", "cloze": "drillcli cloze", "mcq": "drillcli multiple choice",
                "short": "drillcli typed answer", "recall": "drillcli basic", "numeric": "drillcli basic"}
    assert used == {expected[c.type] for c in cards}


def test_markdown_has_a_file_per_topic_with_every_card(tmp_path: Path) -> None:
    cards = fixture_cards()
    summary = write_markdown(cards, tmp_path / "md")
    text = "".join((tmp_path / "md" / name).read_text() for name in summary.files)
    assert sum(summary.files.values()) == len(cards)
    for card in cards:
        assert f"`{card.id}`" in text
    assert (tmp_path / "md" / "README.md").is_file()
