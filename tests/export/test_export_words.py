"""What `drill export` and `drill import` say: rows counted in words, and an Anki deck only as .apkg."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from drillcli.cli.app import app
from drillcli.cli.export import rows_text
from drillcli.errors import UsageError
from tests.export.test_portable import T0, make_history


def test_rows_are_counted_in_words_known_tables_first() -> None:
    text = rows_text({"mock_item": 6, "attempt": 1, "review": 70, "card_state": 37, "session": 0, "new_table": 2})
    assert text == "70 reviews, 37 card states, 1 coding attempt, 6 mock answers, 2 new_table rows"


def test_export_and_import_say_what_they_moved_in_words(drill_home: Path, tmp_path: Path) -> None:
    make_history(drill_home, ["c1"], T0)
    out = CliRunner().invoke(app, ["export", str(tmp_path / "h.json")])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "2 reviews, 1 card state, 1 session, 1 coding attempt, 1 file." in said and "card_state" not in said


def test_an_anki_deck_must_be_named_apkg(drill_home: Path, tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["export", "--anki", str(tmp_path / "deck.txt")])
    assert isinstance(out.exception, UsageError)  # exit status 2 once main() reports it
    assert "deck.apkg" in str(out.exception)
    assert not (tmp_path / "deck.txt").exists()
