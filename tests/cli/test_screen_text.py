"""Text on the session and report screens read as a person reads it: without colour, in any width."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from drillcli.bank.schema import RecallCard
from drillcli.bank.topics import TOPICS
from drillcli.cli.report import render_report
from drillcli.cli.session_view import card_name
from drillcli.report.readiness import ChallengeMark, Interview
from drillcli.study.plan import interview_moment
from tests.cli.test_session_cli import _pty_session, _screens, drill, reviews
from tests.conftest import run_drill
from tests.report.test_readiness import DAY, TODAY, _report
from tests.report.test_report import NOW


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


def _topics_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Topics")))
    return lines[start:start + 5]


def test_the_topics_table_keeps_its_headers_on_a_narrow_terminal() -> None:
    for width, headers in ((60, ["topic", "cards", "seen", "due", "kept", "recall", "mastery"]),
                           (40, ["topic", "cards", "seen", "due", "recall"])):
        head = " ".join(_topics_section(_plain(width)))
        assert all(f" {h} " in f"{head} " for h in headers), (width, head)
        assert "…" not in head
    assert "Neural network basics" in " ".join(_topics_section(_plain(120)))  # wide: full titles


def test_words_and_bars_are_not_cut_on_a_narrow_terminal() -> None:
    r = _report(Interview(DAY, interview_moment(DAY, NOW), 10, TODAY, []))
    out = StringIO()
    render_report(r, Console(file=out, width=40, color_system=None))
    text = out.getvalue()
    words = text.split()
    assert "today's" in words and "done:" in words  # the countdown wraps at spaces, not inside words
    assert "█…" not in text  # the due-forecast bars are scaled to the width


def test_a_weak_card_takes_one_line_that_fits_any_width() -> None:
    from drillcli.report.build import WeakCard

    long = "Why does the variance of a layer's output grow with its fan-in, and what does it do to training? " * 2
    r = replace(_report(Interview()), weak=[WeakCard("w1", "init", 3, 0.41, True, long, 2),
                                            WeakCard("w2", "init", 0, 0.7, False, "Short one?", 1)])
    for width, headers in ((120, ("recall now", "forgot (30 d)", "lapses")), (64, ("recall now", "lapses")),
                           (50, ("recall", "forgot")), (40, ("recall", "forgot"))):
        out = StringIO()
        render_report(r, Console(file=out, width=width, color_system=None))
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.strip() == "Weakest cards")
        table = lines[start + 1:start + 7]
        assert all(len(line) <= width for line in table), (width, table)
        assert all(h in table[1] for h in headers), (width, table[1])
        rows = [line for line in table if "Why does" in line or "Short one?" in line]
        assert len(rows) == 2 and "leech" in rows[0] and "41%" in rows[0], (width, table)


def test_a_challenge_takes_one_line_that_fits_any_width() -> None:
    from drillcli.report.build import ChallengeRow, ChallengeStats

    rows = [ChallengeRow("grouped_query_attention", 12, True, 40.0, "accepted", 754.0, 1.3, 20.0),
            ChallengeRow("softmax", 3, False, None, "wrong_answer")]
    r = replace(_report(Interview()), challenges=ChallengeStats(2, 1, 15, 47, 1, by_challenge=rows))
    for width in (120, 80, 60, 48, 40):
        out = StringIO()
        render_report(r, Console(file=out, width=width, color_system=None))
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.strip() == "Challenges")
        table = [line for line in lines[start:] if line.strip()][:7]
        assert all(len(line) <= width for line in table), (width, table)
        gqa = [line for line in table if "grouped_" in line]
        assert len(gqa) == 1 and "12m34s" in gqa[0], (width, table)  # one line, the best time whole
        assert ("1.3×" in gqa[0]) == (width >= 48) and ("/ 20 min" in gqa[0]) == (width >= 80)
        unsolved = "wrong_answer" if width >= 80 else " no"
        assert any("softmax" in line and unsolved in line for line in table), (width, table)


def test_an_answer_retyped_after_a_wrong_one_keeps_the_first_proposal(fixture_only: Path) -> None:
    # wrong (sgd), take it back with u, type the answer just shown (adam), Enter accepts the proposal
    result = drill("cards", "--topic", "optimizers", input="sgd\nu" + "adam\n\nq")
    assert "Again stays proposed, as for your first answer" in result.output
    assert reviews(fixture_only) == [("fx-short", 1)]


def test_on_a_terminal_the_interview_countdown_stays_above_the_first_card(fixture_only: Path) -> None:
    day = (date.today() + timedelta(days=9)).isoformat()
    config = fixture_only / "config.toml"
    config.write_text(config.read_text() + f"interview_date = {day}\n")
    out = _pty_session([], [("1/", "q")])  # `drill` (the fixture bank has no challenge to offer after)
    first_card = next(screen for screen in _screens(out) if "1/" in screen)
    assert "Interview in 9 days" in first_card and "0 due" in first_card


def test_a_session_ended_before_any_grade_says_so_in_words(fixture_only: Path) -> None:
    result = drill("cards", input="q")
    assert "No card graded this time." in result.output
    assert "Reviewed 0 cards in 0 reviews" not in result.output


def test_a_card_header_too_long_for_the_terminal_ends_with_an_ellipsis() -> None:
    from datetime import datetime, timezone

    from drillcli.cli.session_view import CardView, card_panel
    from drillcli.study.scheduler import make_scheduler

    card = RecallCard(id="c", type="recall", topic="cnn", prompt="Why?", answer="x")
    view = CardView(card=card, index=1, total=3, state=None, scheduler=make_scheduler(), can_undo=False,
                    clock=lambda: datetime.now(timezone.utc))
    out = StringIO()
    Console(file=out, width=36).print(card_panel(view))
    top = out.getvalue().splitlines()[0]
    assert top.startswith("╭─ CNN architectures · 1/3 ·") and "…" in top and "·─" not in top


def test_the_plan_at_60_columns_keeps_topic_names_and_numbers_whole(
        drill_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # the bundled bank: all 13 topics
    monkeypatch.setenv("COLUMNS", "60")
    ran = run_drill("plan", "--interview", (date.today() + timedelta(days=10)).isoformat())
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert all(len(line) <= 60 for line in lines)
    rows = {line.split()[0]: line.split() for line in lines if line.split() and line.split()[0] in TOPICS}
    assert set(rows) == set(TOPICS)  # every topic named in full, none cut to 'normaliza…'
    assert all(len(cells) == 8 for cells in rows.values())  # and all eight cells there, none cropped


def test_the_mock_scorecard_at_60_columns_keeps_the_question_readable() -> None:
    from drillcli.cli.mock import item_table
    from drillcli.study.mock import Area, Item, ItemStatus, MockStatus, scorecard

    items = [Item(0, Area.EXPLAIN, "a", ItemStatus.ANSWERED, 2.0, "How does dropout work and why does it help?",
                  must_made=1, must_total=4, nice_total=3),
             Item(1, Area.NUMERIC, "b", title="What is the output width of the conv?")]
    card = scorecard(items, MockStatus.STOPPED, 2.0)
    out = StringIO()
    Console(file=out, width=60).print(item_table(card, {}, 60))
    text = out.getvalue()
    assert "How does dro" in text and "1/4 must · 0/3 nice" in text  # not "How …"
    wide = StringIO()
    Console(file=wide, width=120).print(item_table(card, {}, 120))
    assert "explain" in wide.getvalue()  # wide enough: the area column is there


def test_the_heatmap_tells_active_days_from_idle_ones_without_colour() -> None:
    lines = _plain().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Activity, last"))
    grid = "".join(lines[start + 2:start + 9])
    assert "■" in grid and "·" in grid  # the fixture history has reviews on a few days only


def test_text_drawn_without_the_markdown_parser_looks_exactly_as_markdown_draws_it() -> None:
    """Every prompt, answer and explanation of the bundled bank: where `markdown` skips the parser, the
    screen is the same, colours included, at three widths; markup still goes through the parser."""
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.text import Text

    from drillcli.bank.loader import load_bank
    from drillcli.cli.render import markdown

    def drawn(body: object, width: int) -> str:
        out = StringIO()
        screen = Console(file=out, width=width, force_terminal=True, color_system="truecolor", no_color=False)
        screen.print(Panel(body))  # type: ignore[arg-type]
        return out.getvalue()

    bank = load_bank([Path(__file__).parents[2] / "questions"], use_cache=False)
    texts = {t for c in bank.cards for t in (c.prompt, getattr(c, "answer", None), getattr(c, "explanation", None))
             if isinstance(t, str) and t}
    fast = [t for t in texts if isinstance(markdown(t), Text)]
    assert len(fast) > 400  # most prompts: only `code` spans
    for text in fast:
        for width in (100, 60, 40):
            assert drawn(markdown(text), width) == drawn(Markdown(text), width), text
    for marked in ("**bold** claim", "a\nb", "1. first", "x > 0", "see [the docs](x)", "a  b", "R&amp;D"):
        assert isinstance(markdown(marked), Markdown), marked
