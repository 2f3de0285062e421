"""One fixture submission per verdict and per attack, graded for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.grader.conftest import processes_with_marker

CASES = [
    # (submission, challenge, verdict)
    ("good.py", "fx_softmax", "accepted"),
    ("good_logsumexp.py", "fx_softmax", "accepted"),
    ("good_aten_allowed.py", "fx_softmax", "accepted"),
    ("prints_a_little.py", "fx_softmax", "accepted"),
    ("wrong_shape.py", "fx_softmax", "wrong_answer"),
    ("nan.py", "fx_softmax", "wrong_answer"),
    ("returns_list.py", "fx_softmax", "wrong_answer"),
    ("returns_numpy.py", "fx_softmax", "wrong_answer"),
    ("lying_subclass.py", "fx_softmax", "wrong_answer"),
    ("mutates.py", "fx_softmax", "wrong_answer"),
    ("patches_allclose.py", "fx_softmax", "wrong_answer"),
    ("gc_walk.py", "fx_softmax", "wrong_answer"),
    ("syntax_error.py", "fx_softmax", "syntax_error"),
    ("empty.py", "fx_softmax", "missing_entry_point"),
    ("no_entry.py", "fx_softmax", "missing_entry_point"),
    ("entry_not_callable.py", "fx_softmax", "missing_entry_point"),
    ("import_loop.py", "fx_softmax", "time_limit"),
    ("call_loop.py", "fx_softmax", "time_limit"),
    ("sleeps.py", "fx_softmax", "time_limit"),
    ("ignores_sigterm.py", "fx_softmax", "time_limit"),
    ("memory_bomb.py", "fx_softmax", "memory_limit"),
    ("output_flood.py", "fx_softmax", "output_limit"),
    ("file_too_big.py", "fx_softmax", "output_limit"),
    ("patches_torch_save.py", "fx_softmax", "runtime_error"),
    ("sys_exit.py", "fx_softmax", "runtime_error"),
    ("os_exit.py", "fx_softmax", "runtime_error"),
    ("segfault.py", "fx_softmax", "runtime_error"),
    ("recursion.py", "fx_softmax", "runtime_error"),
    ("raises.py", "fx_softmax", "runtime_error"),
    ("forbidden_direct.py", "fx_softmax", "forbidden"),
    ("forbidden_alias.py", "fx_softmax", "forbidden"),
    ("forbidden_private.py", "fx_softmax", "forbidden"),
    ("forbidden_method.py", "fx_softmax", "forbidden"),
    ("forbidden_getattr.py", "fx_softmax", "forbidden"),
    ("forbidden_tensorbase.py", "fx_softmax", "forbidden"),
    ("forbidden_caught.py", "fx_softmax", "forbidden"),
    ("forbidden_softmin.py", "fx_softmax", "forbidden"),
    ("forbidden_at_import.py", "fx_softmax", "forbidden"),
    ("forbidden_then_loop.py", "fx_softmax", "forbidden"),
    ("forbidden_aten_op.py", "fx_softmax", "forbidden"),
    ("forbidden_aten_special_op.py", "fx_softmax", "forbidden"),
    ("counter_good.py", "fx_counter", "accepted"),
    ("counter_not_class.py", "fx_counter", "missing_entry_point"),
    ("counter_uses_linear.py", "fx_counter", "forbidden"),
    ("grad_manual.py", "fx_manual_grad", "accepted"),
    ("grad_backward.py", "fx_manual_grad", "forbidden"),
    ("grad_autograd.py", "fx_manual_grad", "forbidden"),
    ("grad_func.py", "fx_manual_grad", "forbidden"),
    ("grad_forward_ad.py", "fx_manual_grad", "forbidden"),
]


@pytest.mark.parametrize(("submission", "challenge", "verdict"), CASES,
                         ids=[c[0].removesuffix(".py") for c in CASES])
def test_verdict(grade, submission: str, challenge: str, verdict: str) -> None:
    report = grade(submission, challenge)
    assert report.verdict == verdict, report.to_json()
    assert report.total == len(report.tests) > 0
    if verdict == "accepted":
        assert report.passed == report.total
    else:
        assert report.passed < report.total


@pytest.mark.parametrize("submission", ["syntax_error.py", "empty.py", "import_loop.py", "sys_exit.py"])
def test_nothing_ran_means_zero_passed(grade, submission: str) -> None:
    report = grade(submission)
    assert report.passed == 0
    assert report.total == 3
    assert all(t.status == "skipped" for t in report.tests)


def test_syntax_error_gives_line_and_column(grade) -> None:
    report = grade("syntax_error.py")
    assert "line 4, column" in report.message


def test_wrong_shape_says_so(grade) -> None:
    report = grade("wrong_shape.py")
    assert "shape mismatch: expected [4, 10], got [4]" in report.tests[0].message
    assert "float32[4, 10]" in report.tests[0].message  # the input it was given


def test_numbers_name_the_worst_value(grade) -> None:
    message = grade("nan.py").tests[0].message
    assert "NaN" in message


def test_not_a_plain_tensor_is_named(grade) -> None:
    assert "got [" in grade("returns_list.py").tests[0].message
    assert "numpy.ndarray" in grade("returns_numpy.py").tests[0].message
    assert "Liar (a torch.Tensor subclass)" in grade("lying_subclass.py").tests[0].message


def test_in_place_change_is_reported(grade) -> None:
    assert "modified in place" in grade("mutates.py").tests[0].message


def test_runtime_error_shows_only_the_users_lines(grade) -> None:
    message = grade("raises.py").tests[0].message
    assert 'File "raises.py", line 2, in helper' in message
    assert 'File "raises.py", line 6, in softmax' in message
    assert "ValueError: boom in the submission" in message
    assert "drillcli" not in message and "worker.py" not in message


def test_time_limit_names_the_test(grade) -> None:
    report = grade("call_loop.py")
    assert report.tests[0].status == "error"
    assert "'rows'" in report.tests[0].message
    assert [t.status for t in report.tests[1:]] == ["skipped", "skipped"]


def test_crash_names_the_signal(grade) -> None:
    assert "SIGSEGV" in grade("segfault.py").message
    assert "sys.exit(0)" in grade("sys_exit.py").message
    assert "exited (status 0)" in grade("os_exit.py").message


def test_forbidden_names_the_api(grade) -> None:
    report = grade("forbidden_alias.py")
    assert report.forbidden_calls == ["torch.special.softmax"]
    assert "torch.special.softmax" in report.message
    assert grade("forbidden_method.py").forbidden_calls == ["torch.Tensor.softmax"]


def test_forbidden_wins_even_when_caught_and_correct(grade) -> None:
    report = grade("forbidden_caught.py")
    assert report.verdict == "forbidden"
    assert report.forbidden_calls == ["torch.nn.functional.softmax"]


def test_output_is_captured_not_echoed(grade, capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    report = grade("prints_a_little.py")
    assert "hello from the submission" in report.output_excerpt
    assert "hello from the submission" not in capfd.readouterr().out


def test_detached_grandchildren_are_killed(grade) -> None:
    grade("detached_grandchild.py")
    assert not processes_with_marker("drill-fixture-grandchild")


def test_fork_bomb_is_cleaned_up(grade) -> None:
    grade("fork_bomb.py")  # the conftest's check: no descendant of this process is left


def test_forged_pickle_is_never_loaded(grade) -> None:
    report = grade("patches_torch_save.py")
    assert report.verdict == "runtime_error"
    assert not Path("/tmp/drill-fixture-pwned").exists()


def test_forged_results_get_nothing(grade) -> None:
    assert grade("fake_result.py").verdict != "accepted"
