"""The report: weak cards that are really weak, the heatmap and forecast, and the HTML page checked against
the same report's JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from drillcli.bank.schema import RecallCard
from drillcli.cli.app import app
from drillcli.cli.report import render_report
from drillcli.report.build import HEATMAP_WEEKS, ReviewRow, build_report
from drillcli.store.models import Attempt
from drillcli.study.scheduler import make_scheduler, review

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
SECTIONS = ("activity", "forecast", "most-asked", "topics", "weak", "challenges", "mocks")


def card(cid: str, topic: str = "basics", most_asked: bool = False) -> RecallCard:
    return RecallCard(id=cid, type="recall", topic=topic, prompt=f"Prompt of {cid}?", answer="x",
                      most_asked=most_asked)


def history(plan: dict[str, list[tuple[int, int]]]):  # type: ignore[no-untyped-def]
    """plan: card -> [(days ago, rating)], oldest first; returns states and review rows."""
    sched = make_scheduler()
    states, rows = {}, []
    for cid, steps in plan.items():
        state = None
        for days_ago, rating in steps:
            at = NOW - timedelta(days=days_ago)
            before = state
            state = review(sched, cid, before, rating, at)
            rows.append(ReviewRow(cid, rating, at, before.state if before else None))
        states[cid] = state
    return states, rows


def test_weak_cards_are_low_recall_or_recently_forgotten_and_never_certain() -> None:
    cards = [card("solid"), card("forgotten"), card("fading"), card("fresh-fail")]
    states, rows = history({
        "solid": [(60, 3), (50, 3), (30, 4), (1, 4)],
        "forgotten": [(40, 3), (20, 1), (19, 3)],
        "fading": [(200, 3), (190, 3)],
        "fresh-fail": [(0.01, 1)],  # failed a learning step minutes ago
    })
    report = build_report(cards, states, rows, [], [], NOW)
    weak = {w.id: w for w in report.weak}
    assert "solid" not in weak
    assert weak["forgotten"].recent_fails == 1
    assert weak["fading"].retrievability < 0.85
    assert all(w.retrievability < 0.995 for w in report.weak)
    assert weak["fading"].prompt == "Prompt of fading?"


def test_heatmap_covers_twelve_weeks_from_a_monday_and_counts_each_day() -> None:
    states, rows = history({"a": [(3, 3), (2, 3)], "b": [(2, 1)]})
    attempt = Attempt("softmax", NOW - timedelta(days=2, minutes=10), NOW - timedelta(days=2), "accepted", 5, 5,
                      "cpu", 30.0, 1.4, True, 15.0)
    report = build_report([card("a"), card("b")], states, rows, [attempt], ["softmax"], NOW)
    first = datetime.fromisoformat(report.heatmap[0]["date"])
    assert first.weekday() == 0 and len(report.heatmap) > 7 * (HEATMAP_WEEKS - 1)
    by_date = {d["date"]: d for d in report.heatmap}
    two_days_ago = (NOW - timedelta(days=2)).astimezone().date().isoformat()
    assert by_date[two_days_ago]["reviews"] == 2 and by_date[two_days_ago]["solves"] == 1
    assert sum(d["reviews"] for d in report.heatmap) == 3
    row = report.challenges.by_challenge[0]
    assert row.best_solve_s == 600.0 and row.best_ratio == 1.4


@pytest.fixture
def report_pair(drill_home: Path, tmp_path: Path) -> tuple[dict, str]:  # type: ignore[type-arg]
    from tests.export.test_portable import make_history

    make_history(drill_home, ["backprop-explain", "activations-relu-vs-sigmoid"], NOW - timedelta(days=3))
    runner = CliRunner()
    out = runner.invoke(app, ["report", "--json", "--html", str(tmp_path / "r.html")])
    assert out.exit_code == 0, out.output
    return json.loads(out.output), (tmp_path / "r.html").read_text()


def test_html_page_has_every_section_and_well_formed_svgs(report_pair: tuple[dict, str]) -> None:  # type: ignore[type-arg]
    data, page = report_pair
    for section in SECTIONS:
        assert f"<section id='{section}'>" in page
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) >= 3
    for svg in svgs:
        ET.fromstring(svg)  # raises on malformed XML
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_html_numbers_equal_the_json(report_pair: tuple[dict, str]) -> None:  # type: ignore[type-arg]
    data, page = report_pair
    cells = re.findall(r"data-date='([\d-]+)' data-reviews='(\d+)' data-solves='(\d+)'", page)
    assert [(d["date"], d["reviews"], d["solves"]) for d in data["heatmap"]] == \
        [(d, int(r), int(s)) for d, r, s in cells]
    bars = re.findall(r"data-date='([\d-]+)' data-due='(\d+)'", page)
    assert [(d["date"], d["due"]) for d in data["forecast"]] == [(d, int(n)) for d, n in bars]
    tile = re.search(r"data-key='reviews_total'><b>(\d+)</b>", page)
    assert tile and int(tile.group(1)) == data["reviews_total"] == 4
    for key in ("reviews_total", "cards", "due_today", "topics", "challenges", "streak_days"):
        assert key in data


def test_terminal_report_renders_every_section() -> None:
    states, rows = history({"a": [(3, 3), (1, 1)]})
    report = build_report([card("a", most_asked=True)], states, rows, [], [], NOW)
    buf = StringIO()
    render_report(report, Console(file=buf, width=100, color_system=None))
    text = buf.getvalue()
    for title in ("Activity, last 12 weeks", "Due in the next 14 days", "Topics", "most-asked", "Weakest cards"):
        assert title in text
    assert "Prompt of a?" in text


def test_readiness_weighs_high_frequency_cards_more() -> None:
    high = RecallCard(id="h", type="recall", topic="basics", prompt="H?", answer="x", asked="high")
    low = RecallCard(id="l", type="recall", topic="basics", prompt="L?", answer="x", asked="low")
    states, rows = history({"h": [(1, 3)]})
    knows_high = build_report([high, low], states, rows, [], [], NOW).readiness
    states, rows = history({"l": [(1, 3)]})
    knows_low = build_report([high, low], states, rows, [], [], NOW).readiness
    assert knows_high["score"] > knows_low["score"] > 0
    assert knows_high["by_asked"]["high"]["seen"] == 1 and knows_high["by_asked"]["low"]["seen"] == 0


def test_a_report_from_warm_caches_imports_neither_pydantic_nor_yaml_nor_torch(drill_home: Path) -> None:
    """The report reads the card and challenge caches: no card model, no YAML, no grader (what keeps it
    fast over a long history; `bench/report.py` measures it)."""
    import os
    import subprocess
    import sys

    from tests.export.test_portable import make_history

    make_history(drill_home, ["backprop-explain", "activations-relu-vs-sigmoid"], NOW - timedelta(days=3))
    env = {**os.environ, "DRILL_HOME": str(drill_home)}
    subprocess.run([sys.executable, "-m", "drillcli", "report"], check=True, env=env, capture_output=True,
                   timeout=120)  # fills the caches
    probe = ("import sys\nfrom drillcli.cli.app import main\nsys.argv = ['drill', 'report']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print([m for m in ('pydantic', 'yaml', 'torch', 'drillcli.bank.schema') if m in sys.modules],"
             " file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert "Activity, last 12 weeks" in out.stdout and "backprop" in out.stdout.lower()
    assert out.stderr.strip().splitlines()[-1] == "[]"
