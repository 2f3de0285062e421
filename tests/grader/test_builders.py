"""The authoring builders of drillcli.grader.api: what each case expects, and how its shared driver
(run here in-process, as the worker would) and its judge agree on right and wrong submissions."""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
from torch import nn

from drillcli.grader.api import (
    Case,
    Failure,
    Result,
    chain_case,
    check_mean,
    drive_chain,
    drive_module,
    drive_raises,
    drive_steps,
    hoeffding_tolerance,
    module_case,
    raises_case,
    seeded,
    steps_case,
    tensor_case,
)


def _judge(case: Case, output: Any) -> None:
    """What the engine does with a driver's output: compare with `expected`, then run `check`."""
    from drillcli.grader.api import close

    if case.expected is not None:
        close(output, case.expected)
    if case.check is not None:
        case.check(Result(output=output))


def test_tensor_case_computes_in_float64_and_casts_back() -> None:
    x = torch.tensor([1e-8, 1.0, 3.0], dtype=torch.float32)
    case = tensor_case("c", lambda t: (t.exp() - 1) / t, (x,))
    assert case.driver == "call" and case.expected.dtype == torch.float32
    want = torch.tensor([math.expm1(1e-8) / 1e-8, math.e - 1, (math.exp(3) - 1) / 3], dtype=torch.float32)
    torch.testing.assert_close(case.expected, want)
    assert case.args[0] is x  # the submission sees the input as given


def test_tensor_case_with_gradients_matches_autograd_on_the_reference() -> None:
    g = seeded(3)
    x = torch.randn(3, 4, generator=g, dtype=torch.float64)
    w = torch.randn(5, 4, generator=g, dtype=torch.float64)
    case = tensor_case("g", lambda a, b: (a @ b.T).tanh(), (x, w), wrt=(0, 1), seed=9)
    assert case.driver == "vjp" and case.wrt == (0, 1)
    y = (x @ w.T).tanh()
    d = case.grad_out * (1 - y * y)
    torch.testing.assert_close(case.expected, y)
    torch.testing.assert_close(case.expected_grads[0], d @ w)
    torch.testing.assert_close(case.expected_grads[1], d.T @ x)
    again = tensor_case("g", lambda a, b: (a @ b.T).tanh(), (x, w), wrt=(0, 1), seed=9)
    assert torch.equal(again.grad_out, case.grad_out)  # seeded, so reproducible


class _Good(nn.Module):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.fc = nn.Linear(n, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x).relu()


class _Renamed(_Good):
    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.head = self.fc
        del self.fc

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(x).relu()


class _Detached(_Good):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x).relu().detach() + 0 * x.sum()


def _module_case(grads: bool) -> tuple[Case, dict[str, Any]]:
    g = seeded(1)
    state = {"fc.weight": torch.randn(2, 3, generator=g), "fc.bias": torch.randn(2, generator=g)}
    x = torch.randn(4, 3, generator=g)
    case = module_case("m", (3,), state, (x,), lambda s, t: (t @ s["fc.weight"].T + s["fc.bias"]).relu(),
                       grads=grads)
    return case, case.args[0]


@pytest.mark.parametrize("grads", [False, True])
def test_module_case_accepts_a_right_module(grads: bool) -> None:
    case, payload = _module_case(grads)
    assert case.driver == "drive_module"
    _judge(case, drive_module(_Good, payload))


@pytest.mark.parametrize(("module", "message"), [
    (_Renamed, "state_dict names differ from the ones asked for: missing fc.weight, fc.bias; "
               "unexpected head.weight, head.bias"),
    (_Detached, "fc.weight.grad is None after backward"),
])
def test_module_case_names_what_is_wrong(module: type[nn.Module], message: str) -> None:
    case, payload = _module_case(grads=True)
    with pytest.raises(Failure, match=message.replace("(", r"\(")):
        _judge(case, drive_module(module, payload))


def test_module_case_refuses_a_module_that_ignores_the_loaded_weights() -> None:
    class Reinitialised(_Good):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return nn.functional.linear(x, torch.ones(2, 3), self.fc.bias).relu()

    case, payload = _module_case(grads=False)
    with pytest.raises(Failure, match="output"):
        _judge(case, drive_module(Reinitialised, payload))


class _Counter:
    def __init__(self, start: int = 0) -> None:
        self.n = start

    def add(self, k: int) -> int:
        self.n += k
        return self.n


def test_steps_case_steps_one_instance() -> None:
    case = steps_case("s", (10,), [("add", (1,)), ("add", (2,)), ("add", (), {"k": 3})], [11, 13, 16])
    _judge(case, drive_steps(_Counter, case.args[0]))
    wrong = steps_case("s", (0,), [("add", (1,)), ("add", (2,))], [1, 4])
    with pytest.raises(Failure, match=r"output\[1\]: expected 4, got 3"):
        _judge(wrong, drive_steps(_Counter, wrong.args[0]))


def _running_sum(x: torch.Tensor, state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    total = x.sum() if state is None else state + x.sum()
    return total * 2, total


def test_chain_case_feeds_each_state_to_the_next_call() -> None:
    xs = [torch.tensor([1.0, 2.0]), torch.tensor([3.0]), torch.tensor([4.0, 5.0])]
    want = [(torch.tensor(6.0), torch.tensor(3.0)), (torch.tensor(12.0), torch.tensor(6.0)),
            (torch.tensor(30.0), torch.tensor(15.0))]
    case = chain_case("c", [(x,) for x in xs], want, state_kwarg="state", state_out=1)
    _judge(case, drive_chain(_running_sum, case.args[0]))

    def forgets(x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        return _running_sum(x, None)

    with pytest.raises(Failure, match="step 2"):
        _judge(case, drive_chain(forgets, case.args[0]))

    def no_state(x: torch.Tensor, state: Any = None) -> torch.Tensor:
        return x.sum()

    with pytest.raises(Failure, match="step 1: the result .* holds no state"):
        _judge(case, drive_chain(no_state, case.args[0]))


def test_hoeffding_tolerance_is_the_bound_it_states() -> None:
    n, delta = 10_000, 1e-7
    t = hoeffding_tolerance(n, 1.0, delta)
    assert 2 * math.exp(-2 * n * t * t) == pytest.approx(delta)
    assert hoeffding_tolerance(4 * n, 1.0, delta) == pytest.approx(t / 2)


def test_check_mean_passes_fair_draws_and_rejects_a_biased_one() -> None:
    g = seeded(5)
    fair = (torch.rand(200_000, generator=g) < 0.3).double()
    check_mean(fair, 0.3, what="kept fraction")
    with pytest.raises(Failure, match="kept fraction: 0.3"):
        check_mean(fair, 0.29, what="kept fraction")


def test_an_expected_infinity_must_be_met_exactly() -> None:
    from drillcli.grader.api import close

    expected = torch.tensor([1.0, float("-inf"), float("inf")])
    close(expected.clone(), expected, atol=0.0, rtol=0.0)
    close(expected.clone(), expected)
    for wrong in ([1.0, -1e9, float("inf")], [1.0, float("-inf"), float("-inf")]):
        for tol in ({"atol": 0.0, "rtol": 0.0}, {}):
            with pytest.raises(Failure, match="differ where"):
                close(torch.tensor(wrong), expected, **tol)


def test_module_reference_runs_a_reference_class_on_the_given_state() -> None:
    from drillcli.grader.api import module_reference, random_state

    state = random_state(_Good(3), seed=4, dtype=torch.float64)
    assert set(state) == {"fc.weight", "fc.bias"} and state["fc.weight"].dtype == torch.float64
    assert not torch.equal(state["fc.weight"], random_state(_Good(3), seed=5, dtype=torch.float64)["fc.weight"])
    x = torch.randn(5, 3, generator=seeded(6), dtype=torch.float64)
    loaded = _Good(3).double()
    loaded.load_state_dict(state)
    torch.testing.assert_close(module_reference(_Good, 3)(state, x), loaded(x))
    case = module_case("m", (3,), state, (x,), module_reference(_Good, 3), grads=True)
    _judge(case, drive_module(_Good, case.args[0]))
    with pytest.raises(Failure, match="fc.weight.grad is None"):
        _judge(case, drive_module(_Detached, case.args[0]))


def _check_p(x: torch.Tensor, p: float = 0.5) -> torch.Tensor:
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    return x


class _StrictP(ValueError):
    pass


def _check_p_subclass(x: torch.Tensor, p: float = 0.5) -> torch.Tensor:
    if not 0 <= p <= 1:
        raise _StrictP("out of range")
    return x


def test_raises_case_wants_the_exception_or_a_subclass_and_names_what_came_instead() -> None:
    case = raises_case("p_too_big", (torch.ones(2, 3),), {"p": 1.5})
    (payload,) = case.args
    _judge(case, drive_raises(_check_p, payload))
    _judge(case, drive_raises(_check_p_subclass, payload))
    with pytest.raises(Failure, match="must raise ValueError; got no exception"):
        _judge(case, drive_raises(lambda x, p: x, payload))
    with pytest.raises(Failure, match="got TypeError"):
        _judge(case, drive_raises(lambda x: x, payload))
