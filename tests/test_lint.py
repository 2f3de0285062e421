"""Each lint rule fires on a bad card and stays quiet on a good one; the bundled bank passes all."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from drillcli import lint
from drillcli.bank.challenges import load_challenge, load_challenges
from drillcli.bank.loader import Problem, check_bank
from drillcli.bank.schema import (
    CardBase,
    ClozeCard,
    ExplainCard,
    KeyPoints,
    McqCard,
    NumericCard,
    RecallCard,
    ShortCard,
)
from drillcli.bank.signature import signature_mismatches
from drillcli.bank.topics import MIN_CARDS_PER_TOPIC, TOPICS
from drillcli.errors import DrillError
from drillcli.grader.report import GradeReport
from drillcli.lint import lint_cards, near_duplicates
from drillcli.paths import bundled_bank_dir

LINT_BANK = Path(__file__).resolve().parent / "fixtures" / "lintbank"

_COMMON: dict[str, Any] = {"topic": "basics", "tags": ["core"], "difficulty": 2,
                           "source_file": "cards/basics.yaml"}
_LINE = iter(range(1, 100_000))


def _base(card_id: str, prompt: str, overrides: dict[str, Any]) -> dict[str, Any]:
    return {**_COMMON, "id": card_id, "prompt": prompt, "source_line": next(_LINE), **overrides}


def explain(card_id: str = "e", prompt: str = "Explain dropout.", **kw: Any) -> ExplainCard:
    return ExplainCard(type="explain", answer="Randomly zeroes activations.",
                       key_points=KeyPoints(must=["zeroes units"]), **_base(card_id, prompt, kw))


def recall(card_id: str = "r", prompt: str = "What does ReLU return?", **kw: Any) -> RecallCard:
    return RecallCard(**{"type": "recall", "answer": "max(0, x)", **_base(card_id, prompt, kw)})


def numeric(card_id: str = "n", prompt: str = "Parameters of `nn.Linear(3, 4)`?",
            **kw: Any) -> NumericCard:
    fields = {"type": "numeric", "answer": 16, "tolerance": 0,
              "check": "sum(p.numel() for p in nn.Linear(3, 4).parameters())"}
    return NumericCard(**{**fields, **_base(card_id, prompt, kw)})


def mcq(card_id: str = "m", prompt: str = "Which activation saturates?", **kw: Any) -> McqCard:
    fields = {"type": "mcq", "choices": ["sigmoid", "ReLU"], "answer": "sigmoid",
              "explanation": "Sigmoid flattens at both ends."}
    return McqCard(**{**fields, **_base(card_id, prompt, kw)})


def messages(cards: Sequence[CardBase], **kw: Any) -> list[str]:
    return [p.message for p in lint_cards(cards, **kw)]


def only(cards: Sequence[CardBase], needle: str) -> list[Problem]:
    """The problems whose message mentions `needle` (tiny lists always fail the topic size)."""
    return [p for p in lint_cards(cards) if needle in p.message]


def distinct_recalls(topic: str) -> list[CardBase]:
    """A full topic of cards that differ in their numbers, so none is a near-duplicate."""
    return [recall(f"{topic}-{n}", f"Question {n}?", topic=topic)
            for n in (next(_LINE) for _ in range(MIN_CARDS_PER_TOPIC))]


def test_good_cards_raise_nothing_but_topic_size() -> None:
    short = ShortCard(type="short", answer="Adam", **_base("s", "Name an adaptive optimizer.", {}))
    cloze = ClozeCard(type="cloze", text="Sigmoid peaks at {{0.25}} slope.",
                      **_base("c", "Fill in.", {}))
    cards = [explain(), recall(), numeric(), mcq(), short, cloze]
    assert [m for m in messages(cards) if "topic" not in m] == []


def test_small_topic_is_reported_and_a_full_one_is_not() -> None:
    full = distinct_recalls("basics")
    assert messages(full) == []
    wanted = f"(at least {MIN_CARDS_PER_TOPIC} wanted)"
    assert messages(full[:-1]) == [f"topic 'basics' has {MIN_CARDS_PER_TOPIC - 1} cards {wanted}"]


def test_require_all_topics_reports_absent_topics() -> None:
    problems = lint_cards(distinct_recalls("basics"), require_all_topics=True)
    absent = {t for t in TOPICS if t != "basics"}
    assert {p.message.split("'")[1] for p in problems} == absent
    assert all(p.file == lint.BANK_LABEL for p in problems)
    everywhere = [card for topic in TOPICS for card in distinct_recalls(topic)]
    assert lint_cards(everywhere, require_all_topics=True) == []


def test_explain_without_must_points() -> None:
    good = explain()
    bad = good.model_copy(update={"id": "bad", "key_points": KeyPoints.model_construct(must=[])})
    assert [p.message for p in only([good, bad], "must")] == [
        "card 'bad': explain card has no must points"
    ]


@pytest.mark.parametrize("answer", [" ".join(["word"] * 81), "x" * 601])
def test_long_recall_answer(answer: str) -> None:
    assert only([recall(answer=answer)], "short paragraph")
    assert not only([recall(answer=" ".join(["word"] * 80))], "short paragraph")


def test_near_duplicate_prompts_name_both_cards() -> None:
    first = explain("a", "Explain how dropout regularises a network.")
    second = explain("b", "Explain how Dropout regularizes a network!", source_file="cards/x.yaml")
    (problem,) = only([first, second], "nearly repeats")
    assert (problem.file, problem.line) == ("cards/x.yaml", second.source_line)
    assert f"card 'a' (cards/basics.yaml:{first.source_line})" in problem.message


def test_distinct_prompts_are_not_duplicates() -> None:
    cards = [explain("a", "Explain batch normalization."),
             explain("b", "Explain layer normalization."),
             recall("c", "What is the derivative of the sigmoid?"),
             recall("d", "What is the derivative of tanh?")]
    assert only(cards, "nearly repeats") == []


def test_prompts_differing_only_in_numbers_are_not_duplicates() -> None:
    cards = [numeric("a", "Parameters of `nn.Conv2d(64, 128, 3)`?"),
             numeric("b", "Parameters of `nn.Conv2d(64, 128, 5)`?")]
    assert only(cards, "nearly repeats") == []


def test_cloze_cards_compare_their_text() -> None:
    def cloze(card_id: str, text: str) -> ClozeCard:
        return ClozeCard(type="cloze", text=text, **_base(card_id, "Fill in the blanks.", {}))

    same = [cloze("a", "ReLU is {{max(0, x)}}."), cloze("b", "ReLU is {{max(0,x)}}.")]
    different = [cloze("a", "ReLU is {{max(0, x)}}."), cloze("b", "Tanh ranges over {{(-1, 1)}}.")]
    assert only(same, "nearly repeats")
    assert not only(different, "nearly repeats")


def test_candidate_index_finds_what_comparing_every_pair_finds() -> None:
    rng = random.Random(0)
    vocab = ["why", "does", "the", "gradient", "vanish", "explode", "in", "deep", "rnn", "lstm",
             "adam", "sgd", "weight", "decay"]
    cards = [recall(f"q{i}", " ".join(rng.choices(vocab, k=rng.randint(3, 8))))
             for i in range(150)]
    texts = [lint._text(c) for c in cards]
    brute = sorted(lint._duplicate_problem(a.card, b.card)
                   for i, b in enumerate(texts) for a in texts[:i] if lint._similar(a, b))
    assert brute, "the random prompts should contain some near-duplicates"
    assert sorted(near_duplicates(cards)) == brute


def test_mcq_answer_not_among_choices() -> None:
    good = mcq()
    bad = McqCard.model_construct(**{**good.model_dump(), "id": "bad", "answer": "tanh"})
    assert [p.message for p in only([good, bad], "choices")] == [
        "card 'bad': mcq answer 'tanh' is not one of its choices"
    ]


def test_numeric_without_tolerance_or_check() -> None:
    cards = [numeric(), numeric("t", "Other question?", tolerance=None),
             numeric("c", "Third question?", check=None)]
    assert [p.message for p in only(cards, "numeric card")] == [
        "card 't': numeric card has no tolerance",
        "card 'c': numeric card has no check expression",
    ]


def test_missing_tags_or_difficulty() -> None:
    cards = [recall(), recall("t", "Untagged?", tags=None), recall("e", "Empty tags?", tags=[]),
             recall("d", "No difficulty?", difficulty=None)]
    assert [p.message for p in only(cards, "has no")] == [
        "card 't': has no tags", "card 'e': has no tags", "card 'd': has no difficulty",
    ]


def test_most_asked_must_be_explain() -> None:
    cards = [explain(most_asked=True), recall(most_asked=True)]
    assert [p.message for p in only(cards, "most_asked")] == [
        "card 'r': most_asked is for explain cards, not recall cards"
    ]


def test_related_ids_must_exist() -> None:
    cards = [explain(related=["r", "gone"]), recall()]
    assert [p.message for p in only(cards, "related")] == [
        "card 'e': related card 'gone' does not exist"
    ]


def test_problems_point_at_the_card() -> None:
    card = recall(tags=None, source_file="cards/rnn.yaml", source_line=41)
    assert [str(p) for p in only([card], "tags")] == ["cards/rnn.yaml:41: card 'r': has no tags"]


def test_bundled_bank_passes_lint() -> None:
    cards, problems = check_bank([bundled_bank_dir()])
    assert not problems, "\n".join(map(str, problems))
    lint_problems = lint_cards(cards, require_all_topics=True)
    assert not lint_problems, "\n".join(map(str, lint_problems))


def test_lint_challenges_reports_a_missing_starter_and_an_accepted_mutant() -> None:
    """Two gradings: the reference (accepted, quiet) and a "mutant" that is in fact correct."""
    challenge = load_challenge(LINT_BANK / "challenges" / "add_one")
    seen: list[str] = []
    problems = lint.lint_challenges([challenge], device="cpu", on_progress=seen.append)
    assert seen == ["add_one: reference", "add_one: mutant also_right.py"]
    assert [(p.file, p.line, p.message) for p in problems] == [
        (str(challenge.folder / "challenge.yaml"), 1, "challenge 'add_one': starter missing"),
        (str(challenge.folder / "mutants" / "also_right.py"), 1,
         "challenge 'add_one': mutant also_right.py is accepted (accepted, 1/1 tests); "
         "it must fail the hidden tests"),
    ]


def test_a_grader_that_raises_is_reported_and_lint_goes_on() -> None:
    challenge = load_challenge(LINT_BANK / "challenges" / "add_one")

    def broken(path: Path, _: object) -> GradeReport:
        raise RuntimeError(f"lost {path.name}")

    problems = lint._lint_challenge(challenge, broken, lambda _: None)
    assert [p.message for p in problems] == [
        "challenge 'add_one': reference could not be graded (RuntimeError: lost reference.py)",
        "challenge 'add_one': starter missing",
        "challenge 'add_one': mutant also_right.py could not be graded "
        "(RuntimeError: lost also_right.py)",
    ]


def _report(verdict: str, passed: int = 0, message: str = "") -> GradeReport:
    return GradeReport("c", verdict, passed, 3, "cpu", 1.0, message=message)


@pytest.mark.parametrize(
    ("verdict", "expected", "problem"),
    [
        ("accepted", lint.ACCEPTED, ""),
        ("wrong_answer", lint.ACCEPTED, "is not accepted (wrong_answer, 0/3 tests): boom"),
        ("wrong_answer", lint.NOT_ACCEPTED, ""),
        ("runtime_error", lint.NOT_ACCEPTED, ""),
        ("accepted", lint.NOT_ACCEPTED, "is accepted (accepted, 0/3 tests); it must fail the hidden tests"),
        ("internal_error", lint.NOT_ACCEPTED, "could not be graded (internal_error, 0/3 tests): boom"),
        ("wrong_answer", "wrong_answer", ""),
        ("forbidden", "forbidden", ""),
        ("runtime_error", "wrong_answer",
         "got runtime_error (0/3 tests: boom); `mutants:` says wrong_answer"),
        ("accepted", "wrong_answer", "is accepted (accepted, 0/3 tests); it must fail the hidden tests"),
    ],
)
def test_judge_each_role(verdict: str, expected: str, problem: str) -> None:
    assert lint._judge(_report(verdict, message="boom"), expected) == problem


def _challenge_copy(tmp_path: Path, **yaml_lines: str) -> Path:
    """The add_one fixture copied to tmp_path, with top-level yaml keys replaced or added."""
    folder = tmp_path / "challenges" / "add_one"
    shutil.copytree(LINT_BANK / "challenges" / "add_one", folder)
    kept: list[str] = []
    dropping = False
    for line in (folder / "challenge.yaml").read_text().splitlines():
        if not line.startswith(" "):  # a top-level key: drop it (and its block) if replaced
            dropping = any(line.startswith(f"{k}:") for k in yaml_lines)
        if not dropping:
            kept.append(line)
    extra = [f"{k}: {v}" for k, v in yaml_lines.items()]
    (folder / "challenge.yaml").write_text("\n".join(kept + extra) + "\n")
    return folder


def test_undeclared_mutants_and_declared_mutants_without_a_file(tmp_path: Path) -> None:
    folder = _challenge_copy(tmp_path, mutants="{gone: wrong_answer}")
    challenge = load_challenge(folder)
    assert [(Path(p.file).name, p.message) for p in lint._declaration_problems(challenge)] == [
        ("also_right.py", "challenge 'add_one': mutant also_right.py has no verdict in `mutants:` "
                          "(add `also_right: wrong_answer`, or the verdict it must get, to challenge.yaml)"),
        ("challenge.yaml", "challenge 'add_one': `mutants:` names 'gone' but there is no mutants/gone.py"),
    ]
    # an undeclared mutant is not graded at all
    assert [g.label for g in lint._graded_files(challenge)] == ["reference", "starter"]


def test_a_mutant_verdict_outside_the_vocabulary_is_a_validation_error(tmp_path: Path) -> None:
    folder = _challenge_copy(tmp_path, mutants="{also_right: accepted}")
    with pytest.raises(DrillError, match="mutants.also_right"):
        load_challenge(folder)


def test_signature_problems_name_the_file_and_the_difference(tmp_path: Path) -> None:
    folder = _challenge_copy(tmp_path, signature='"add_one(x: torch.Tensor, k: int = 1) -> torch.Tensor"')
    (folder / "starter.py").write_text("def add_one(x, k=2):\n    raise NotImplementedError\n")
    assert lint.signature_problems(load_challenge(folder)) == [
        "starter `add_one` takes (x, k=2); the signature says (x, k=1)",
        "reference `add_one` takes (x); the signature says (x, k=1)",
    ]
    (folder / "starter.py").write_text("add_one = lambda x, k=1: x + k\n")
    assert lint.signature_problems(load_challenge(folder))[0] == "starter has no top-level `def add_one`"


def test_signature_of_a_class_checks_init_and_the_methods_it_names(tmp_path: Path) -> None:
    sig = "class Stopper:  # Stopper(patience: int, min_delta: float = 0.0); step(loss: float) -> bool"
    good = ("class Stopper:\n    def __init__(self, patience, min_delta=0.0):\n        pass\n\n"
            "    def step(self, loss):\n        return False\n")
    path = tmp_path / "s.py"
    path.write_text(good)
    assert signature_mismatches(sig, "class", "Stopper", path) == []
    path.write_text(good.replace("min_delta=0.0", "min_delta=0.5").replace("def step", "def stop"))
    assert signature_mismatches(sig, "class", "Stopper", path) == [
        "`Stopper(...)` takes (patience, min_delta=0.5); the signature says (patience, min_delta=0.0)",
        "defines no `Stopper.step`",
    ]


def test_every_bundled_signature_agrees_with_its_starter_and_reference() -> None:
    problems = [f"{c.id}: {m}" for c in load_challenges([bundled_bank_dir()])
                for m in lint.signature_problems(c)]
    assert problems == []


def test_the_forbidden_probe_reports_every_entry_that_runs_unguarded(tmp_path: Path) -> None:
    """Run outside the grader, no call is refused: the probe names each entry (a module's functions
    one by one, autograd by its two routes) as uncaught."""
    folder = _challenge_copy(tmp_path, forbidden="[torch.exp, torch.nn.Linear, autograd]")
    probe = tmp_path / "probe.py"
    probe.write_text(lint.forbidden_probe(load_challenge(folder)))
    out = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, check=True).stdout
    uncaught = [line.removeprefix(lint.UNCAUGHT).split(" (")[0] for line in out.splitlines()]
    assert uncaught == ["torch.exp", "torch.nn.Linear", "autograd", "autograd"]


def test_the_forbidden_probe_is_refused_by_the_grader(tmp_path: Path) -> None:
    folder = _challenge_copy(tmp_path, forbidden="[torch.exp, torch.nn.Linear, autograd]")
    problems = lint.lint_challenges([load_challenge(folder)], device="cpu")
    assert [p.message.split(": ")[1][:24] for p in problems] == [
        "starter missing", "mutant also_right.py is "]  # no problem about the forbidden entries


def test_a_forbidden_entry_the_grader_lets_through_is_reported(tmp_path: Path) -> None:
    """The probe written for `torch.exp` but graded against a challenge that forbids nothing."""
    forbids = load_challenge(_challenge_copy(tmp_path / "a", forbidden="[torch.exp]"))
    allows = load_challenge(LINT_BANK / "challenges" / "add_one")
    from drillcli.grader import GraderPool, grade_file

    with GraderPool("cpu") as pool:
        problems = lint._lint_forbidden(
            forbids, lambda path, _: grade_file(path, allows, "cpu", pool=pool, measure_runtime=False),
            tmp_path, lambda _: None)
    assert [p.message for p in problems] == [
        "challenge 'add_one': forbidden entry torch.exp (torch.exp: returned normally) is not caught"
    ]


def test_a_forbidden_entry_no_plain_call_reaches_is_reported(tmp_path: Path) -> None:
    """`torch.as_strided` needs sizes and strides: no plain argument list gets it past parsing, so the
    probe cannot show that the grader refuses it."""
    forbids = load_challenge(_challenge_copy(tmp_path / "a", forbidden="[torch.as_strided]"))
    allows = load_challenge(LINT_BANK / "challenges" / "add_one")
    from drillcli.grader import GraderPool, grade_file

    with GraderPool("cpu") as pool:
        problems = lint._lint_forbidden(
            forbids, lambda path, _: grade_file(path, allows, "cpu", pool=pool, measure_runtime=False),
            tmp_path, lambda _: None)
    assert [p.message for p in problems] == [
        "challenge 'add_one': forbidden entry torch.as_strided (torch.as_strided) could not be called with "
        "plain arguments, so lint cannot show it is caught"
    ]


def test_challenge_metadata_rules(tmp_path: Path) -> None:
    folder = _challenge_copy(tmp_path, hints="[only one]", explanation='""', tags="[]")
    (folder / "mutants" / "also_right.py").unlink()
    assert lint.metadata_problems(load_challenge(folder)) == [
        "has 1 hint(s); give at least 2, from gentle to nearly the answer",
        "has no explanation (the idea, the classic mistakes, the cost)",
        "has no tags",
        "has no mutants (known-wrong solutions under mutants/)",
    ]
    assert lint.metadata_problems(load_challenge(LINT_BANK / "challenges" / "add_one")) == []


def test_every_bundled_challenge_has_hints_an_explanation_tags_and_mutants() -> None:
    problems = [f"{c.id}: {m}" for c in load_challenges([bundled_bank_dir()]) for m in lint.metadata_problems(c)]
    assert problems == []
