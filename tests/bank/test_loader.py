from __future__ import annotations

from pathlib import Path

import pytest

from drillcli.bank.loader import BankError, check_bank, load_bank
from drillcli.bank.schema import McqCard
from tests.conftest import FIXTURE_BANK


def write_bank(root: Path, name: str, text: str) -> Path:
    (root / "cards").mkdir(parents=True, exist_ok=True)
    path = root / "cards" / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(root: Path) -> list[str]:
    _, problems = check_bank([root])
    return [str(p) for p in problems]


def test_fixture_bank_loads_every_type() -> None:
    bank = load_bank([FIXTURE_BANK], use_cache=False)
    assert {c.type for c in bank.cards} == {"explain", "recall", "cloze", "numeric", "mcq", "short"}
    short = bank.by_id()["fx-short"]
    assert short.topic == "optimizers"  # a card's own topic beats the file's
    assert bank.by_id()["fx-recall"].source_line == 14


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "bad.yaml", "format: 1\ntopic: basics\ncards:\n  - id: a\n    prompt: [unclosed\n")
    [msg] = messages(tmp_path)
    assert msg.startswith(f"{path}:")
    line = int(msg.split(":")[1])
    assert line in (5, 6)
    assert "invalid YAML" in msg


CARDS = """format: 1
topic: losses
cards:
  - id: ok-card
    type: recall
    prompt: p
    answer: a
  - id: no-answer
    type: recall
    prompt: p
  - id: bad-type
    type: essay
    prompt: p
  - id: bad-number
    type: numeric
    prompt: p
    answer: lots
    tolerance: 0
    check: "1"
  - id: bad-mcq
    type: mcq
    prompt: p
    choices: [a, b]
    answer: c
    explanation: e
  - id: empty-must
    type: explain
    prompt: p
    answer: a
    key_points:
      must: []
  - id: wrong-topic
    type: recall
    topic: chemistry
    prompt: p
    answer: a
  - id: typo
    type: recall
    prompt: p
    answer: a
    anwser: b
  - id: ok-card
    type: recall
    prompt: q
    answer: a
"""


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "losses.yaml", CARDS)
    got = messages(tmp_path)
    expected = {
        8: "no-answer", 12: "unknown type 'essay'", 17: "bad-number", 24: "not one of its choices",
        31: "key_points.must: is empty", 34: "unknown topic 'chemistry'", 41: "anwser: unknown key",
        42: "duplicate id 'ok-card'",
    }
    for line, fragment in expected.items():
        assert any(m.startswith(f"{path}:{line}:") and fragment in m for m in got), (line, fragment, got)
    assert len(got) == len(expected)


def test_duplicate_across_banks_names_both_files(tmp_path: Path) -> None:
    text = "format: 1\ntopic: cnn\ncards:\n  - {id: x, type: recall, prompt: p, answer: a}\n"
    one = write_bank(tmp_path / "one", "a.yaml", text)
    two = write_bank(tmp_path / "two", "b.yaml", text)
    with pytest.raises(BankError) as info:
        load_bank([tmp_path / "one", tmp_path / "two"], use_cache=False)
    assert str(one) in info.value.message and str(two) in info.value.message


def test_missing_format_and_unsupported_format(tmp_path: Path) -> None:
    write_bank(tmp_path, "a.yaml", "topic: cnn\ncards: []\n")
    write_bank(tmp_path, "b.yaml", "format: 7\ntopic: cnn\ncards: []\n")
    got = messages(tmp_path)
    assert any("a.yaml:1: format is missing" in m for m in got)
    assert any("b.yaml:1: format 7 is not supported" in m for m in got)


def test_numeric_needs_tolerance_and_check(tmp_path: Path) -> None:
    write_bank(tmp_path, "n.yaml", "format: 1\ntopic: cnn\ncards:\n  - {id: n, type: numeric, prompt: p, answer: 3}\n")
    got = messages(tmp_path)
    assert any("no tolerance" in m for m in got) and any("no check" in m for m in got)


def test_cache_gives_the_same_cards_and_follows_edits(tmp_path: Path) -> None:
    bank_dir = tmp_path / "bank"
    path = write_bank(bank_dir, "m.yaml", (FIXTURE_BANK / "cards" / "mixed.yaml").read_text())
    first = load_bank([bank_dir]).cards
    cached = load_bank([bank_dir]).cards
    assert cached == first
    assert isinstance(cached[4], McqCard)
    path.write_text(path.read_text().replace("One full pass over the training set.", "Edited."))
    edited = load_bank([bank_dir]).by_id()["fx-recall"]
    assert edited.answer_text == "Edited."


def test_duplicates_are_caught_through_the_cache_too(tmp_path: Path) -> None:
    text = "format: 1\ntopic: cnn\ncards:\n  - {id: x, type: recall, prompt: p, answer: a}\n"
    write_bank(tmp_path / "one", "a.yaml", text)
    load_bank([tmp_path / "one"])  # fills the cache
    write_bank(tmp_path / "two", "b.yaml", text)
    with pytest.raises(BankError, match="duplicate id 'x'"):
        load_bank([tmp_path / "one", tmp_path / "two"])


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, drill_home: Path) -> None:
    first = load_bank([FIXTURE_BANK])
    cache = drill_home / "cache" / "cards.db"
    assert cache.exists()
    for extra in cache.parent.glob("cards.db*"):
        extra.unlink()
    cache.write_bytes(b"not a database" * 50)
    again = load_bank([FIXTURE_BANK])
    assert [c.id for c in again.cards] == [c.id for c in first.cards]
    assert cache.read_bytes().startswith(b"SQLite format 3")


def test_a_card_that_is_not_a_mapping_names_a_line_and_its_place(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "s.yaml", "format: 1\ntopic: basics\ncards:\n"
                      "  - id: ok\n    type: recall\n    prompt: p\n    answer: a\n  - just a string\n")
    assert messages(tmp_path) == [
        f"{path}:3: cards item 2 must be a mapping (id, type, prompt...), not str 'just a string'"]


def test_a_folder_that_is_not_a_bank_is_a_problem_not_an_empty_bank(tmp_path: Path) -> None:
    write_bank(tmp_path, "a.yaml", "format: 1\ntopic: basics\ncards: []\n")
    cards_folder = tmp_path / "cards"  # the usual slip: the cards folder instead of the bank
    [problem] = check_bank([cards_folder])[1]
    assert problem.file == str(cards_folder) and "not a bank" in problem.message and str(tmp_path) in problem.message
    with pytest.raises(BankError, match="not a bank"):
        load_bank([cards_folder])
    assert check_bank([tmp_path]) == ([], [])


def test_challenge_infos_come_from_the_cache_until_a_challenge_changes(tmp_path: Path, drill_home: Path) -> None:
    import shutil

    from drillcli.bank.challenges import challenge_infos, info, load_challenges
    from drillcli.bank.loader import open_card_cache
    from drillcli.errors import DrillError

    bank = tmp_path / "bank"
    for cid in ("softmax", "layer_norm"):
        shutil.copytree(Path(__file__).parents[2] / "questions" / "challenges" / cid, bank / "challenges" / cid)
    cache = open_card_cache()
    assert cache is not None
    expected = [info(c) for c in load_challenges([bank])]
    assert challenge_infos([bank], cache) == expected == challenge_infos([bank], None)
    assert cache.db.execute("SELECT count(*) FROM challenge").fetchone()[0] == 2
    assert challenge_infos([bank], cache) == expected  # now read from the cache
    yaml_path = bank / "challenges" / "softmax" / "challenge.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("\nminutes: 10\n", "\nminutes: 25\n"), encoding="utf-8")
    assert [s.minutes for s in challenge_infos([bank], cache)] == [15.0, 25.0]  # layer_norm, softmax
    shutil.copytree(bank / "challenges" / "softmax", tmp_path / "other" / "challenges" / "softmax")
    with pytest.raises(DrillError, match="appears twice"):
        challenge_infos([bank, tmp_path / "other"], cache)
