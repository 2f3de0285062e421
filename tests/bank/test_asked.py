"""The per-card `asked` frequency: validated as an enum, medium by default, carried through the cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from drillcli.bank.cache import CACHE_SCHEMA
from drillcli.bank.loader import check_bank, load_bank
from drillcli.bank.schema import Asked

BANK = """format: 1
topic: cnn
cards:
  - {id: a-high, type: recall, prompt: p1, answer: a, asked: high}
  - {id: a-low, type: recall, prompt: p2, answer: a, asked: low}
  - {id: a-default, type: recall, prompt: p3, answer: a}
"""


def write(root: Path, text: str) -> Path:
    (root / "cards").mkdir(parents=True, exist_ok=True)
    path = root / "cards" / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_asked_is_read_and_defaults_to_medium(tmp_path: Path) -> None:
    write(tmp_path, BANK)
    cards, problems = check_bank([tmp_path])
    assert problems == []
    assert {c.id: c.asked for c in cards} == {"a-high": Asked.HIGH, "a-low": Asked.LOW, "a-default": Asked.MEDIUM}


def test_an_unknown_asked_value_is_a_problem_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, BANK.replace("asked: low", "asked: often"))
    _, problems = check_bank([tmp_path])
    assert len(problems) == 1
    assert problems[0].line == 5 and "asked" in problems[0].message


def test_asked_survives_the_cache_in_refs_and_cards(tmp_path: Path, drill_home: Path) -> None:
    bank_dir = tmp_path / "bank"
    write(bank_dir, BANK)
    load_bank([bank_dir])  # fills the cache
    cached = load_bank([bank_dir])
    assert cached._cache is not None  # really read through the cache
    assert [(r.id, r.asked) for r in cached.refs] == [
        ("a-high", Asked.HIGH), ("a-low", Asked.LOW), ("a-default", Asked.MEDIUM)]
    card = cached.get(["a-low"])["a-low"]
    assert card.asked is Asked.LOW


def test_a_cache_of_an_older_layout_is_rebuilt(tmp_path: Path, drill_home: Path) -> None:
    bank_dir = tmp_path / "bank"
    write(bank_dir, BANK)
    db_path = drill_home / "cache" / "cards.db"
    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path)
    old.execute("CREATE TABLE file (path TEXT PRIMARY KEY, stamp TEXT NOT NULL)")
    old.execute("CREATE TABLE card (path TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, topic TEXT NOT NULL,"
                " type TEXT NOT NULL, most_asked INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (path, seq))")
    old.commit()
    old.close()
    bank = load_bank([bank_dir])
    assert bank._cache is not None
    assert [r.asked for r in bank.refs] == [Asked.HIGH, Asked.LOW, Asked.MEDIUM]
    version = sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0]
    assert version == CACHE_SCHEMA
