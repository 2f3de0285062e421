"""The README's figures about the bundled bank are the bank's: card and challenge counts, the cards per
topic and the challenges per topic. A newcomer reads them before anything else."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from drillcli.bank.challenges import load_challenges
from drillcli.bank.loader import check_bank
from drillcli.bank.topics import TOPICS
from drillcli.paths import bundled_bank_dir

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = README.index(heading)
    end = README.find("\n## ", start + len(heading))
    return README[start:end if end != -1 else None]


def test_the_readme_counts_the_bundled_cards_by_topic() -> None:
    cards, problems = check_bank([bundled_bank_dir()])
    assert not problems
    assert f"**Flashcards**: {len(cards)} cards over {len(TOPICS)} topics" in README
    written = {name: int(n) for name, n in re.findall(r"^\| .+ \(`(\w+)`\) \| (\d+) \|$", _section("## Flashcards"),
                                                          flags=re.MULTILINE)}
    assert written == dict(Counter(c.topic for c in cards)), "README's table of cards per topic is out of date"


def test_the_readme_lists_every_bundled_challenge_by_topic() -> None:
    challenges = load_challenges([bundled_bank_dir()])
    assert f"**Timed PyTorch challenges**: {len(challenges)} of them" in README
    expected: dict[str, set[str]] = defaultdict(set)
    for c in challenges:
        expected[c.meta.topic].add(c.id)
    written = {topic: set(re.findall(r"`(\w+)`", ids))
               for topic, ids in re.findall(r"^\| (\w+) \| (`.+`) \|$", _section("## Coding challenges"),
                                            flags=re.MULTILINE)}
    assert written == dict(expected), "README's table of challenges per topic is out of date"
