"""The bank's quality rules, beyond what validation enforces (docs/bank-format.md, "Lint").

Card rules are pure checks over loaded cards. Challenge rules run each challenge's reference,
starter and mutants through the grader, which is why this module sits above bank/ and grader/.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from drillcli.bank.challenges import Challenge
from drillcli.bank.loader import Problem
from drillcli.bank.schema import CardBase, ClozeCard, ExplainCard, McqCard, NumericCard, RecallCard
from drillcli.bank.signature import SignatureError, expected_callables, signature_mismatches
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

# What lint expects of a file it grades: this verdict, or (STARTER) anything but accepted.
ACCEPTED = "accepted"
NOT_ACCEPTED = "(not accepted)"


@dataclass(frozen=True)
class Graded:
    """One file lint grades: its label in messages, where problems point, the verdict it must get."""

    label: str
    path: Path
    where: Path
    expected: str


def lint_challenges(
    challenges: list[Challenge],
    device: str = "cpu",
    on_progress: Callable[[str], None] | None = None,
) -> list[Problem]:
    """Per challenge: the yaml `signature` agrees with the starter's and reference's definitions; the
    reference is accepted; the starter is not; each mutant gets the verdict `mutants:` declares; every
    `forbidden` entry is caught (a generated file calls each one).

    One `GraderPool` serves every grading, so the next worker warms up while the current one runs.
    """
    from drillcli.grader import GraderPool, grade_file

    problems: list[Problem] = []
    with GraderPool(device) as pool, tempfile.TemporaryDirectory(prefix="drill-lint-") as tmp:
        def grade(path: Path, challenge: Challenge) -> GradeReport:
            return grade_file(path, challenge, device, pool=pool, measure_runtime=False)

        for challenge in challenges:
            problems.extend(_lint_challenge(challenge, grade, on_progress or _quiet))
            problems.extend(_lint_forbidden(challenge, grade, Path(tmp), on_progress or _quiet))
    return problems


def _quiet(_: str) -> None:
    return None


def _yaml(challenge: Challenge) -> str:
    return str(challenge.folder / "challenge.yaml")


MIN_CHALLENGE_HINTS = 2


def metadata_problems(challenge: Challenge) -> list[str]:
    """What a challenge's yaml lacks: hints from gentle to nearly the answer, an explanation for after
    the attempt, tags, and at least one known-wrong solution."""
    meta = challenge.meta
    found = []
    if len(meta.hints) < MIN_CHALLENGE_HINTS:
        found.append(f"has {len(meta.hints)} hint(s); give at least {MIN_CHALLENGE_HINTS}, from gentle "
                     "to nearly the answer")
    if not meta.explanation.strip():
        found.append("has no explanation (the idea, the classic mistakes, the cost)")
    if not meta.tags:
        found.append("has no tags")
    if not challenge.mutant_paths():
        found.append("has no mutants (known-wrong solutions under mutants/)")
    return found


def _lint_challenge(
    challenge: Challenge, grade: _Grade, progress: Callable[[str], None]
) -> list[Problem]:
    problems = [Problem(_yaml(challenge), 1, f"challenge {challenge.id!r}: {m}")
                for m in [*metadata_problems(challenge), *signature_problems(challenge)]]
    problems += _declaration_problems(challenge)
    for item in _graded_files(challenge):
        if not item.path.is_file():
            problems.append(Problem(_yaml(challenge), 1, f"challenge {challenge.id!r}: {item.label} missing"))
            continue
        progress(f"{challenge.id}: {item.label}")
        message = _grade_and_judge(grade, challenge, item.path, item.expected)
        if message:
            problems.append(Problem(str(item.where), 1, f"challenge {challenge.id!r}: {item.label} {message}"))
    return problems


def _graded_files(challenge: Challenge) -> list[Graded]:
    """Every file lint grades, with the verdict it must get."""
    yaml_path = Path(_yaml(challenge))
    declared = challenge.meta.mutants
    files = [
        Graded("reference", challenge.reference_path, yaml_path, ACCEPTED),
        Graded("starter", challenge.starter_path, yaml_path, NOT_ACCEPTED),
    ]
    for path in challenge.mutant_paths():
        if path.stem in declared:
            files.append(Graded(f"mutant {path.name}", path, path, declared[path.stem]))
    return files


def _declaration_problems(challenge: Challenge) -> list[Problem]:
    """A mutant file without a declared verdict, or a declared mutant without its file."""
    declared = challenge.meta.mutants
    on_disk = {p.stem for p in challenge.mutant_paths()}
    problems = [Problem(str(challenge.mutant_path(name)), 1,
                        f"challenge {challenge.id!r}: mutant {name}.py has no verdict in `mutants:` "
                        f"(add `{name}: wrong_answer`, or the verdict it must get, to challenge.yaml)")
                for name in sorted(on_disk - set(declared))]
    problems += [Problem(_yaml(challenge), 1, f"challenge {challenge.id!r}: `mutants:` names "
                                              f"{name!r} but there is no mutants/{name}.py")
                 for name in sorted(set(declared) - on_disk)]
    return problems


def signature_problems(challenge: Challenge) -> list[str]:
    """The yaml `signature` against the starter's and the reference's `def`/`class` (ast only)."""
    meta = challenge.meta
    if not meta.signature.strip():
        return ["has no signature"]
    try:
        expected_callables(meta.signature, meta.kind, meta.entry_point)
    except SignatureError as exc:
        return [str(exc)]
    problems = []
    for label, path in (("starter", challenge.starter_path), ("reference", challenge.reference_path)):
        if path.is_file():
            problems += [f"{label} {m}" for m in
                         signature_mismatches(meta.signature, meta.kind, meta.entry_point, path)]
    return problems


def _grade_and_judge(grade: _Grade, challenge: Challenge, path: Path, expected: str) -> str:
    """As `_judge`; a grader that raises is reported against this file, and lint goes on."""
    try:
        report = grade(path, challenge)
    except Exception as exc:  # noqa: BLE001 - one broken grading must not hide the others
        return f"could not be graded ({type(exc).__name__}: {exc})"
    return _judge(report, expected)


def _judge(report: GradeReport, expected: str) -> str:
    """Why this grading is wrong for the file's role, or "" when it is as expected."""
    summary = f"{report.verdict}, {report.passed}/{report.total} tests"
    detail = f": {report.message}" if report.message else ""
    if str(report.verdict) == "internal_error":
        return f"could not be graded ({summary}){detail}"
    if expected == ACCEPTED:
        return "" if report.accepted else f"is not accepted ({summary}){detail}"
    if report.accepted:
        return f"is accepted ({summary}); it must fail the hidden tests"
    if expected not in (NOT_ACCEPTED, str(report.verdict)):
        return f"got {report.verdict} ({report.passed}/{report.total} tests{detail}); `mutants:` says {expected}"
    return ""


# --- forbidden APIs really caught ----------------------------------------------------------------

UNCAUGHT = "uncaught forbidden entry: "
UNTESTED = "untested forbidden entry: "  # no plain call got past argument parsing


def _lint_forbidden(
    challenge: Challenge, grade: _Grade, folder: Path, progress: Callable[[str], None]
) -> list[Problem]:
    """Grade a generated file that calls every `forbidden` entry; each call must be refused."""
    entries = challenge.meta.forbidden
    if not entries:
        return []
    progress(f"{challenge.id}: forbidden ({len(entries)})")
    path = folder / f"{challenge.id}_forbidden_probe.py"
    path.write_text(forbidden_probe(challenge), encoding="utf-8")
    try:
        report = grade(path, challenge)
    except Exception as exc:  # noqa: BLE001
        return [Problem(_yaml(challenge), 1, f"challenge {challenge.id!r}: the forbidden probe could not "
                                             f"be graded ({type(exc).__name__}: {exc})")]
    lines = report.output_excerpt.splitlines()
    problems = [f"forbidden entry {line.removeprefix(UNCAUGHT)} is not caught"
                for line in lines if line.startswith(UNCAUGHT)]
    problems += [f"forbidden entry {line.removeprefix(UNTESTED)} could not be called with plain arguments, "
                 "so lint cannot show it is caught" for line in lines if line.startswith(UNTESTED)]
    if str(report.verdict) != "forbidden" and not problems:
        problems.append(f"a file calling its forbidden APIs got {report.verdict}, not forbidden"
                        f"{': ' + report.message if report.message else ''}")
    return [Problem(_yaml(challenge), 1, f"challenge {challenge.id!r}: {m}") for m in problems]


_PROBE = '''\
"""Generated by `drill bank lint --challenges`: calls each forbidden entry; each must be refused."""
import importlib
import types

import torch

ENTRIES = {entries!r}
AUTOGRAD = ("autograd", "torch.autograd")


def _lookup(path):
    obj = torch
    parts = path.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if not hasattr(obj, part) and isinstance(obj, types.ModuleType):
            importlib.import_module(".".join(parts[: i + 1]))
        obj = getattr(obj, part)
    return obj


def _targets(entry):
    if entry in AUTOGRAD:
        def backward():
            x = torch.ones(2, requires_grad=True)
            (x * 2).sum().backward()

        def grad():
            x = torch.ones(2, requires_grad=True)
            torch.autograd.grad((x * 2).sum(), x)

        return [("backward", backward), ("autograd.grad", grad)]
    obj = _lookup(entry)
    if isinstance(obj, types.ModuleType):
        return [(f"{{entry}}.{{name}}", getattr(obj, name)) for name in sorted(vars(obj))
                if not name.startswith("_") and callable(getattr(obj, name))
                and str(getattr(getattr(obj, name), "__module__", "")).startswith(obj.__name__)]
    return [(entry, obj)]


def _argument_lists():
    """Plain arguments to try in turn: tensors (functions), sizes (modules), parameters (optimizers)."""
    for count in (1, 2, 3, 4, 5, 6):
        yield [torch.ones(2, 2) for _ in range(count)]
    yield from ([2], [2, 2], [2, 2, 2], [[torch.ones(2, requires_grad=True)]], [])
    t = torch.ones(2, 2)
    # recurrent kernels: (input, [h, c], w_ih, w_hh, b_ih, b_hh) and the full-sequence ops
    yield [t, [t, t], t, t, t, t]
    yield [t, [t, t], [t, t, t, t], True, 1, 0.0, False, False, False]
    yield [t, t, [t, t, t, t], True, 1, 0.0, False, False, False]


def _refused(fn):
    """(refused, what happened); refused None when no plain call got past argument parsing."""
    for args in _argument_lists():
        try:
            fn(*args)
        except TypeError as exc:
            if type(exc).__name__ == "ForbiddenCall":
                return True, ""
            continue  # the arguments did not fit: try the next ones
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__ == "ForbiddenCall", repr(exc)[:120]
        return False, "returned normally"
    return None, "no plain call got past argument parsing"


for _entry in ENTRIES:
    for _name, _fn in _targets(_entry):
        _ok, _what = _refused(_fn)
        if _ok is False:
            print("{uncaught}" + f"{{_entry}} ({{_name}}: {{_what}})")
        elif _ok is None:
            print("{untested}" + f"{{_entry}} ({{_name}})")

{definition}
'''


def forbidden_probe(challenge: Challenge) -> str:
    """A submission that calls every forbidden entry at import, printing those that were not refused,
    then defines the entry point (so the verdict is decided by the calls)."""
    meta = challenge.meta
    if meta.kind == "class":
        definition = f"class {meta.entry_point}:\n    pass\n"
    else:
        definition = f"def {meta.entry_point}(*args, **kwargs):\n    raise NotImplementedError\n"
    return _PROBE.format(entries=list(meta.forbidden), uncaught=UNCAUGHT, untested=UNTESTED,
                         definition=definition)
