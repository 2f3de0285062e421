"""The bank's quality rules, beyond what validation enforces (docs/bank-format.md, "Lint").

Card rules are pure checks over loaded cards. Challenge rules run each challenge's reference,
starter and mutants through the grader, which is why this module sits above bank/ and grader/.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from drillcli.bank.challenges import Challenge
from drillcli.bank.loader import Problem
from drillcli.bank.schema import CardBase, ClozeCard, ExplainCard, McqCard, NumericCard, RecallCard
from drillcli.bank.topics import MIN_CARDS_PER_TOPIC, TOPICS

if TYPE_CHECKING:  # the grader is imported only when challenges are linted
    from drillcli.grader.report import GradeReport

RECALL_MAX_WORDS = 80
RECALL_MAX_CHARS = 600
# Two prompts are near-duplicates when their words overlap this much (Jaccard) ...
DUPLICATE_JACCARD = 0.85
# ... or their normalised text is this similar (difflib ratio), among pairs sharing half their
# words (CANDIDATE_JACCARD).
DUPLICATE_RATIO = 0.9
CANDIDATE_JACCARD = 0.5
BANK_LABEL = "(bank)"

_Grade = Callable[[Path, Challenge], "GradeReport"]

_WORD = re.compile(r"[a-z0-9]+")


def lint_cards(cards: Sequence[CardBase], *, require_all_topics: bool = False) -> list[Problem]:
    """Every quality problem in `cards`, sorted by file and line.

    Topic sizes are checked for the topics present; `require_all_topics` (the bundled bank) also
    reports every topic with no cards at all.
    """
    problems = _topic_sizes(cards, require_all_topics)
    known_ids = {c.id for c in cards}
    for card in cards:
        problems.extend(_card_problems(card, known_ids))
    problems.extend(near_duplicates(cards))
    return sorted(problems)


def _card_problems(card: CardBase, known_ids: set[str]) -> list[Problem]:
    messages = [
        *_metadata_messages(card, known_ids),
        *_type_messages(card),
    ]
    return [Problem(card.source_file, card.source_line, f"card {card.id!r}: {m}") for m in messages]


def _topic_sizes(cards: Sequence[CardBase], require_all_topics: bool) -> list[Problem]:
    counts = Counter(c.topic for c in cards)
    first: dict[str, CardBase] = {}
    for card in cards:
        first.setdefault(card.topic, card)
    topics = list(TOPICS) if require_all_topics else list(first)
    problems = []
    for topic in topics:
        if counts[topic] >= MIN_CARDS_PER_TOPIC:
            continue
        example = first.get(topic)
        where = (example.source_file, example.source_line) if example else (BANK_LABEL, 0)
        problems.append(Problem(*where, f"topic {topic!r} has {counts[topic]} cards "
                                        f"(at least {MIN_CARDS_PER_TOPIC} wanted)"))
    return problems


def _metadata_messages(card: CardBase, known_ids: set[str]) -> Iterable[str]:
    if not card.tags:
        yield "has no tags"
    if card.difficulty is None:
        yield "has no difficulty"
    if card.most_asked and not isinstance(card, ExplainCard):
        yield f"most_asked is for explain cards, not {getattr(card, 'type', '?')} cards"
    for related in card.related:
        if related not in known_ids:
            yield f"related card {related!r} does not exist"


def _type_messages(card: CardBase) -> Iterable[str]:
    if isinstance(card, ExplainCard) and not (card.key_points and card.key_points.must):
        yield "explain card has no must points"
    if isinstance(card, RecallCard):
        words, chars = len(card.answer.split()), len(card.answer)
        if words > RECALL_MAX_WORDS or chars > RECALL_MAX_CHARS:
            yield (f"recall answer is {words} words, {chars} characters; keep it to a short "
                   f"paragraph (≤ {RECALL_MAX_WORDS} words, ≤ {RECALL_MAX_CHARS} characters)")
    if isinstance(card, McqCard) and card.answer not in card.choices:
        yield f"mcq answer {card.answer!r} is not one of its choices"
    if isinstance(card, NumericCard):
        if card.tolerance is None:
            yield "numeric card has no tolerance"
        if not card.check:
            yield "numeric card has no check expression"


# --- near-duplicate prompts ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Text:
    card: CardBase
    norm: str
    words: frozenset[str]
    numbers: tuple[str, ...]


def question_text(card: CardBase) -> str:
    """What the card asks: the cloze sentence for cloze cards, the prompt otherwise."""
    return card.text if isinstance(card, ClozeCard) else card.prompt


def _text(card: CardBase) -> _Text:
    words = _WORD.findall(question_text(card).lower())
    numbers = tuple(w for w in words if any(ch.isdigit() for ch in w))
    return _Text(card, " ".join(words), frozenset(words), numbers)


def near_duplicates(cards: Sequence[CardBase]) -> list[Problem]:
    """Pairs of cards asking nearly the same question, each reported at the later card.

    Candidate pairs come from prefix filtering (words ordered rarest first; two sets whose Jaccard
    reaches t must share a word among each set's first |s| − ⌈t·|s|⌉ + 1), so only pairs sharing
    half their words are compared. Prompts whose numbers differ ask different questions.
    """
    texts = [t for t in map(_text, cards) if t.words]
    freq = Counter(w for t in texts for w in t.words)
    index: defaultdict[str, list[int]] = defaultdict(list)
    problems = []
    for i, text in enumerate(texts):
        candidates: set[int] = set()
        for word in _prefix(text.words, freq):
            candidates.update(index[word])
            index[word].append(i)
        for j in sorted(candidates):
            if _similar(texts[j], text):
                problems.append(_duplicate_problem(texts[j].card, text.card))
    return problems


def _prefix(words: frozenset[str], freq: Counter[str]) -> list[str]:
    ordered = sorted(words, key=lambda w: (freq[w], w))
    return ordered[: len(ordered) - math.ceil(CANDIDATE_JACCARD * len(ordered)) + 1]


def _similar(a: _Text, b: _Text) -> bool:
    if a.numbers != b.numbers:
        return False
    jaccard = len(a.words & b.words) / len(a.words | b.words)
    if jaccard < CANDIDATE_JACCARD:
        return False
    if jaccard >= DUPLICATE_JACCARD:
        return True
    matcher = SequenceMatcher(None, a.norm, b.norm, autojunk=False)
    return (matcher.real_quick_ratio() >= DUPLICATE_RATIO
            and matcher.quick_ratio() >= DUPLICATE_RATIO
            and matcher.ratio() >= DUPLICATE_RATIO)


def _duplicate_problem(first: CardBase, second: CardBase) -> Problem:
    return Problem(second.source_file, second.source_line,
                   f"card {second.id!r}: prompt nearly repeats card {first.id!r} "
                   f"({first.source_file}:{first.source_line})")


# --- challenges ----------------------------------------------------------------------------------

def lint_challenges(
    challenges: list[Challenge],
    device: str = "cpu",
    on_progress: Callable[[str], None] | None = None,
) -> list[Problem]:
    """Grade each challenge's reference (must be accepted), starter and mutants (must not be).

    One `GraderPool` serves every grading, so the next worker warms up while the current one runs.
    """
    from drillcli.grader import GraderPool, grade_file

    problems: list[Problem] = []
    with GraderPool(device) as pool:
        def grade(path: Path, challenge: Challenge) -> GradeReport:
            return grade_file(path, challenge, device, pool=pool, measure_runtime=False)

        for challenge in challenges:
            problems.extend(_lint_challenge(challenge, grade, on_progress or _quiet))
    return problems


def _quiet(_: str) -> None:
    return None


def _lint_challenge(
    challenge: Challenge, grade: _Grade, progress: Callable[[str], None]
) -> list[Problem]:
    yaml_path = str(challenge.folder / "challenge.yaml")
    problems = []
    for label, path, must_pass in _submissions(challenge):
        if not path.is_file():
            problems.append(Problem(yaml_path, 1, f"challenge {challenge.id!r}: {label} missing"))
            continue
        progress(f"{challenge.id}: {label}")
        message = _grade_and_judge(grade, challenge, path, must_pass)
        if message:
            where = yaml_path if label in ("reference", "starter") else str(path)
            problems.append(Problem(where, 1, f"challenge {challenge.id!r}: {label} {message}"))
    return problems


def _submissions(challenge: Challenge) -> list[tuple[str, Path, bool]]:
    """(label, file, whether the grader must accept it) for every file lint grades."""
    return [
        ("reference", challenge.reference_path, True),
        ("starter", challenge.starter_path, False),
        *((f"mutant {p.name}", p, False) for p in challenge.mutant_paths()),
    ]


def _grade_and_judge(grade: _Grade, challenge: Challenge, path: Path, must_pass: bool) -> str:
    """As `_judge`; a grader that raises is reported against this file, and lint goes on."""
    try:
        report = grade(path, challenge)
    except Exception as exc:  # noqa: BLE001 - one broken grading must not hide the others
        return f"could not be graded ({type(exc).__name__}: {exc})"
    return _judge(report, must_pass)


def _judge(report: GradeReport, must_pass: bool) -> str:
    """Why this grading is wrong for the file's role, or "" when it is as expected."""
    from drillcli.grader.report import INTERNAL_ERROR

    summary = f"{report.verdict}, {report.passed}/{report.total} tests"
    detail = f": {report.message}" if report.message else ""
    if must_pass and not report.accepted:
        return f"is not accepted ({summary}){detail}"
    if not must_pass and report.accepted:
        return f"is accepted ({summary}); it must fail the hidden tests"
    if not must_pass and report.verdict == INTERNAL_ERROR:
        return f"could not be graded ({summary}){detail}"
    return ""
