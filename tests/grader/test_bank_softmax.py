"""The bundled softmax challenge: the reference passes, the starter fails, each mutant gets its verdict."""

from __future__ import annotations

import pytest

from drillcli.bank.challenges import load_challenge
from drillcli.paths import bundled_challenges_dir

SOFTMAX = load_challenge(bundled_challenges_dir() / "softmax")


def test_reference_is_accepted(pool) -> None:
    report = pool.grade(SOFTMAX.reference_path, SOFTMAX)
    assert report.verdict == "accepted", report.to_json()
    assert report.runtime_ratio is not None and report.runtime_ratio > 0


def test_starter_is_not_accepted(pool) -> None:
    report = pool.grade(SOFTMAX.starter_path, SOFTMAX, measure_runtime=False)
    assert report.verdict == "runtime_error"
    assert "NotImplementedError" in report.message


@pytest.mark.parametrize("mutant", SOFTMAX.mutant_paths(), ids=lambda p: p.stem)
def test_mutant_gets_its_verdict(pool, mutant) -> None:
    expected = SOFTMAX.meta.mutants.get(mutant.stem)
    assert expected, f"{mutant.stem} has no verdict under `mutants:` in challenge.yaml"
    report = pool.grade(mutant, SOFTMAX, measure_runtime=False)
    assert report.verdict == expected, report.to_json()


def test_every_case_has_a_distinct_name() -> None:
    from drillcli.grader.pipeline import _load_tests

    names = [c.name for c in _load_tests(SOFTMAX).cases("cpu")]
    assert len(names) == len(set(names)) >= 10
