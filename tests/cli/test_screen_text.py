"""Text on the session and report screens read as a person reads it: without colour, in any width."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from drillcli.bank.schema import RecallCard
from drillcli.cli.report import render_report
from drillcli.cli.session_view import card_name
from drillcli.report.readiness import ChallengeMark, Interview
from tests.report.test_readiness import _report


def _plain(width: int = 120) -> str:
    """The report as a pipe or NO_COLOR shows it: no colour, so the glyphs alone must carry the bars."""
    r = _report(Interview(challenges=[ChallengeMark("sdpa", "attention", False, False)]))
    out = StringIO()
    render_report(r, Console(file=out, width=width, color_system=None))
    return out.getvalue()


def test_an_empty_bar_does_not_look_full_without_colour() -> None:
    text = _plain()
    assert "░░░░░░░░░░ 0%" in text  # mastery 0% in the topics table
    assert "██████████ 0%" not in text


def test_the_readiness_table_explains_itself_on_one_line() -> None:
    lines = _plain().splitlines()
    assert "Readiness by topic (recall over all its cards, unseen = 0)" in lines


def test_a_card_is_named_without_markdown_code_quotes() -> None:
    card = RecallCard(id="c", type="recall", topic="cnn", answer="x",
                      prompt="`nn.MaxPool2d(2)` is applied to a (64, 56, 56) input.")
    assert card_name(card) == "“nn.MaxPool2d(2) is applied to a (64, 56, 56) input.”"
