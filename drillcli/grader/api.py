"""What a challenge's hidden tests (`questions/challenges/<id>/tests.py`) are written with.

This module runs on the trusted side only. A tests module defines::

    def cases(device: str) -> list[Case]

Inputs are built on the CPU (seeded); the engine sends `args`/`kwargs` to the submission's process, moves
tensors to `device` there, runs the driver, and sends outputs back (on the CPU). `expected` and `check` never
leave the trusted side. A case passes when the output matches `expected` (see `close`) and/or `check`
returns without raising `Failure`.

Drivers (what runs in the submission's process):
- "call": `out = entry(*args, **kwargs)`.
- "vjp": as "call", then the vector-Jacobian product of `out` with `grad_out` w.r.t. `args[i]` for i in
  `wrt`, computed by autograd outside the forbidden scope; available as `result.grads`.
- any other name: `def NAME(entry, *args, **kwargs)` in the challenge's `driver.py`, for classes and loops.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch


class Failure(AssertionError):
    """A hidden test failed; the message is shown to the user as is."""


@dataclass
class Result:
    """What came back from the submission's process for one case (tensors on the CPU)."""

    output: Any
    args_after: tuple[Any, ...] = ()
    kwargs_after: dict[str, Any] = field(default_factory=dict)
    grads: tuple[Any, ...] = ()


@dataclass
class Case:
    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    driver: str = "call"
    wrt: tuple[int, ...] = ()
    grad_out: Any = None
    expected: Any = None
    expected_grads: tuple[Any, ...] | None = None
    check: Callable[[Result], None] | None = None
    atol: float | None = None
    rtol: float | None = None
    # Tolerance used for both rtol and atol on CUDA (TF32, cuDNN); None keeps the CPU tolerances.
    cuda_tol: float | None = None
    # False: the judge fails the case if the submission changed a tensor it was given.
    mutates: bool = False
    timeout_s: float | None = None
    description: str = ""


SHOWN = "_shown"  # a builder's payload dict may carry its own one-line description under this key


def describe(value: Any) -> str:
    """`float32[4, 10]` for a tensor, a builder payload's own description, the type name otherwise."""
    if isinstance(value, dict) and isinstance(value.get(SHOWN), str):
        return str(value[SHOWN])
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        return f"{dtype}{list(value.shape)}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    return type(value).__name__


def close(
    actual: Any,
    expected: Any,
    *,
    what: str = "output",
    atol: float | None = None,
    rtol: float | None = None,
    check_dtype: bool = True,
) -> None:
    """Raise `Failure` unless `actual` matches `expected`, with a message that says where and how much."""
    if isinstance(expected, (tuple, list)):
        _close_sequence(actual, expected, what=what, atol=atol, rtol=rtol, check_dtype=check_dtype)
        return
    if isinstance(expected, torch.Tensor):
        _close_tensor(actual, expected, what=what, atol=atol, rtol=rtol, check_dtype=check_dtype)
        return
    if isinstance(expected, bool) or expected is None:
        if actual is not expected and actual != expected:
            raise Failure(f"{what}: expected {expected!r}, got {actual!r}")
        return
    if isinstance(expected, (int, float)):
        _close_number(actual, expected, what=what, atol=atol, rtol=rtol)
        return
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


def _close_sequence(actual: Any, expected: Sequence[Any], **kw: Any) -> None:
    what = kw.pop("what")
    if not isinstance(actual, (tuple, list)):
        raise Failure(f"{what}: expected a tuple of {len(expected)} values, got {describe(actual)}")
    if len(actual) != len(expected):
        raise Failure(f"{what}: expected {len(expected)} values, got {len(actual)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        close(a, e, what=f"{what}[{i}]", **kw)


def _close_number(actual: Any, expected: float, *, what: str, atol: float | None, rtol: float | None) -> None:
    if isinstance(actual, torch.Tensor) and actual.numel() == 1:
        actual = actual.item()
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        raise Failure(f"{what}: expected a number, got {describe(actual)}")
    a_tol = 1e-6 if atol is None else atol
    r_tol = 1e-5 if rtol is None else rtol
    if not math.isfinite(actual) or abs(actual - expected) > a_tol + r_tol * abs(expected):
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


def _close_tensor(
    actual: Any,
    expected: torch.Tensor,
    *,
    what: str,
    atol: float | None,
    rtol: float | None,
    check_dtype: bool,
) -> None:
    if not isinstance(actual, torch.Tensor):
        raise Failure(f"{what}: expected a tensor {describe(expected)}, got {describe(actual)}")
    if actual.shape != expected.shape:
        raise Failure(
            f"{what}: shape mismatch: expected {list(expected.shape)}, got {list(actual.shape)}"
        )
    if check_dtype and actual.dtype != expected.dtype:
        raise Failure(f"{what}: dtype mismatch: expected {expected.dtype}, got {actual.dtype}")
    a = actual.detach().to(torch.float64)
    e = expected.detach().to(torch.float64)
    if not expected.is_floating_point() and not expected.is_complex():
        if not torch.equal(a, e):
            bad = (a != e).nonzero()[0].tolist()
            raise Failure(f"{what}: values differ at index {bad}: expected {e[tuple(bad)].item()}, "
                          f"got {a[tuple(bad)].item()}")
        return
    default_rtol, default_atol = _default_tolerances(expected.dtype)
    r_tol = default_rtol if rtol is None else rtol
    a_tol = default_atol if atol is None else atol
    _report_mismatch(a, e, what=what, atol=a_tol, rtol=r_tol)


def _default_tolerances(dtype: torch.dtype) -> tuple[float, float]:
    """`torch.testing.assert_close` defaults (rtol, atol)."""
    table = {
        torch.float16: (1e-3, 1e-5),
        torch.bfloat16: (1.6e-2, 1e-5),
        torch.float32: (1.3e-6, 1e-5),
        torch.float64: (1e-7, 1e-7),
    }
    return table.get(dtype, (1.3e-6, 1e-5))


def _report_mismatch(a: torch.Tensor, e: torch.Tensor, *, what: str, atol: float, rtol: float) -> None:
    if a.numel() == 0:
        return
    nan_a, nan_e = torch.isnan(a), torch.isnan(e)
    if (nan_a & ~nan_e).any():
        where = (nan_a & ~nan_e).nonzero()[0].tolist()
        count = int((nan_a & ~nan_e).sum())
        raise Failure(f"{what}: {count} NaN value(s) where finite numbers were expected, first at index {where}")
    inf_a = torch.isinf(a) & ~torch.isinf(e)
    if inf_a.any():
        where = inf_a.nonzero()[0].tolist()
        raise Failure(f"{what}: infinite value(s) where finite numbers were expected, first at index {where}")
    inf_e = torch.isinf(e) & (a != e)  # an expected ±inf must be met exactly (rtol·inf would be nan)
    if inf_e.any():
        where = inf_e.nonzero()[0].tolist()
        raise Failure(f"{what}: {int(inf_e.sum())} value(s) differ where {e[tuple(where)].item()} was "
                      f"expected, first at index {where} (got {a[tuple(where)].item():.6g})")
    diff = (a - e).abs()
    diff = torch.where(nan_a & nan_e, torch.zeros_like(diff), diff)
    allowed = atol + rtol * e.abs()
    bad = diff > allowed
    if not bad.any():
        return
    flat = int(diff.reshape(-1).argmax())
    index = [int(i) for i in torch.unravel_index(torch.tensor(flat), diff.shape)] if diff.dim() else []
    pos = tuple(index)
    max_abs = diff[pos].item() if index else diff.item()
    rel = (diff / e.abs().clamp_min(1e-12)).reshape(-1).max().item()
    got = a[pos].item() if index else a.item()
    want = e[pos].item() if index else e.item()
    raise Failure(
        f"{what}: {int(bad.sum())} of {bad.numel()} values differ (atol={atol:g}, rtol={rtol:g}); "
        f"max abs error {max_abs:.3g} at index {index} (expected {want:.6g}, got {got:.6g}); "
        f"max rel error {rel:.3g}"
    )


def filled_in_place(out: Any, shape: tuple[int, ...], dtype: torch.dtype, as_parameter: bool) -> torch.Tensor:
    """For the init challenges: check what their driver reports about a tensor filled in place (same
    object returned, still a parameter, same shape and dtype, finite, no longer zeros) and return its
    values, flattened, in float64."""
    if not isinstance(out, dict):
        raise Failure("internal: the driver returned no result")
    if not out["same_object"]:
        raise Failure("must fill the tensor in place and return that same tensor object")
    if as_parameter and not (out["is_parameter"] and out["requires_grad"]):
        raise Failure("the nn.Parameter must stay a parameter that requires grad")
    values = out["values"]
    if tuple(values.shape) != shape:
        raise Failure(f"shape changed: expected {list(shape)}, got {list(values.shape)}")
    if values.dtype != dtype:
        raise Failure(f"dtype changed: expected {dtype}, got {values.dtype}")
    x = values.to(torch.float64).reshape(-1)
    if not torch.isfinite(x).all():
        raise Failure("the tensor holds non-finite values")
    if int((x == 0).sum()) > x.numel() // 100:
        raise Failure("the tensor was not filled (it still holds many zeros)")
    return x


def seeded(seed: int) -> torch.Generator:
    """A CPU generator for building inputs reproducibly."""
    return torch.Generator().manual_seed(seed)


# ---- case builders: the common shapes of a hidden test, declared in a line or two -------------------
#
# A typical tests.py is a `cases(device)` that lists builder calls:
#
#     tensor_case("rows", reference, (torch.randn(4, 10, generator=g),))
#     tensor_case("grads", reference, (x, w), wrt=(0, 1))
#     module_case("forward", (8, 2), state, (x,), reference_forward)
#     steps_case("plateau", (3,), [("step", (1.0,)), ("step", (1.5,))], [False, False])
#     chain_case("decode", [(q0, k0, v0), (q1, k1, v1)], expected_outputs, state_out=1)
#
# Module, steps and chain cases run a shared driver in the submission's process; a challenge that uses
# them has a driver.py that re-exports it: `from drillcli.grader.api import drive_module`.

def _upcast(value: Any) -> Any:
    """float64 copies of every floating tensor in `value` (nested lists, tuples and dicts too)."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64) if value.is_floating_point() else value.clone()
    if isinstance(value, (list, tuple)):
        items = [_upcast(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: _upcast(v) for k, v in value.items()}
    return value


def _cast(value: Any, dtype: torch.dtype) -> Any:
    """`value` with every floating tensor detached and cast to `dtype`."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(dtype) if value.is_floating_point() else value
    if isinstance(value, (list, tuple)):
        items = [_cast(v, dtype) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: _cast(v, dtype) for k, v in value.items()}
    return value


def float_dtype(*values: Any) -> torch.dtype:
    """The dtype of the first floating tensor among `values`, searched depth first (float32 if none)."""
    return _first_float(values) or torch.float32


def _first_float(values: Sequence[Any]) -> torch.dtype | None:
    for value in values:
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            return value.dtype
        inner = list(value.values()) if isinstance(value, dict) else value
        if isinstance(inner, (list, tuple)) and inner:
            found = _first_float(inner)
            if found is not None:
                return found
    return None


def tensor_case(
    name: str,
    reference: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    *,
    wrt: tuple[int, ...] = (),
    seed: int = 0,
    precise: bool = True,
    atol: float | None = None,
    rtol: float | None = None,
    cuda_tol: float | None = None,
    mutates: bool = False,
    check: Callable[[Result], None] | None = None,
    description: str = "",
) -> Case:
    """A function of tensors compared with `reference(*args, **kwargs)`.

    `precise`: the reference runs on float64 copies and its floating outputs are cast back to the
    inputs' dtype, so any correct formula passes at `assert_close` tolerances. `wrt`: also compare the
    gradients w.r.t. those positional arguments, for a seeded random `grad_out` (autograd through the
    reference on the trusted side; through the submission outside the forbidden scope).
    """
    kwargs = dict(kwargs or {})
    dtype = float_dtype(*args, *kwargs.values())
    ref_args, ref_kwargs = (_upcast(args), _upcast(kwargs)) if precise else (args, kwargs)
    if not wrt:
        with torch.no_grad():
            expected = reference(*ref_args, **ref_kwargs)
        return Case(name, args=tuple(args), kwargs=kwargs, expected=_cast(expected, dtype) if precise
                    else expected, atol=atol, rtol=rtol, cuda_tol=cuda_tol, mutates=mutates,
                    check=check, description=description)
    ref_args = list(ref_args)
    leaves = []
    for i in wrt:
        leaf = ref_args[i].detach().clone().requires_grad_(True)
        ref_args[i] = leaf
        leaves.append(leaf)
    out = reference(*ref_args, **ref_kwargs)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 7919), dtype=out.dtype)
    grads = torch.autograd.grad(out, leaves, grad_out, allow_unused=True)
    grads = tuple(torch.zeros_like(leaf) if g is None else g for leaf, g in zip(leaves, grads))
    out_dtype = dtype if precise else out.dtype
    return Case(
        name, args=tuple(args), kwargs=kwargs, driver="vjp", wrt=tuple(wrt),
        grad_out=grad_out.to(out_dtype), expected=out.detach().to(out_dtype),
        expected_grads=tuple(g.to(args[i].dtype) for i, g in zip(wrt, grads)),
        atol=atol, rtol=rtol, cuda_tol=cuda_tol, mutates=mutates, check=check, description=description,
    )


def module_case(
    name: str,
    init_args: tuple[Any, ...],
    state: dict[str, torch.Tensor],
    inputs: tuple[Any, ...],
    reference: Callable[..., Any] | None,
    *,
    init_kwargs: dict[str, Any] | None = None,
    input_kwargs: dict[str, Any] | None = None,
    method: str = "forward",
    grads: bool = False,
    trainable: Sequence[str] | None = None,
    seed: int = 0,
    atol: float | None = None,
    rtol: float | None = None,
    cuda_tol: float | None = None,
    check: Callable[[Result], None] | None = None,
    driver: str = "drive_module",
    description: str = "",
) -> Case:
    """A module built as `entry(*init_args)`, whose `state_dict()` must hold exactly the names and
    shapes of `state`, loaded with those tensors (strict), then `module.<method>(*inputs)` compared with
    `reference(state, *inputs, **input_kwargs)` (computed in float64, cast to the state's dtype).
    `grads`: also the gradient of each parameter in `trainable` (default: every floating entry of
    `state`) for a seeded `grad_out`, by name. `reference` None: only the names (and `check`, if any)
    are judged. `driver`: a driver.py function that builds the module its own way and returns
    `drive_module(entry, payload, build=...)`."""
    dtype = float_dtype(*state.values())
    expected = expected_grads = grad_out = None
    wanted = set(state) if trainable is None else set(trainable)
    if reference is not None:
        params = {k: v.detach().to(torch.float64).requires_grad_(grads and k in wanted)
                  if v.is_floating_point() else v for k, v in state.items()}
        out = reference(params, *_upcast(inputs), **_upcast(dict(input_kwargs or {})))
        if grads:
            grad_out = torch.randn(out.shape, generator=seeded(seed + 7919), dtype=torch.float64)
            names = [k for k, v in params.items() if v.requires_grad]
            found = torch.autograd.grad(out, [params[k] for k in names], grad_out, allow_unused=True)
            expected_grads = {k: torch.zeros_like(params[k]) if g is None else g
                              for k, g in zip(names, found)}
            expected_grads = _cast(expected_grads, dtype)
            grad_out = grad_out.to(dtype)
        expected = _cast(out, dtype)
    shapes = {k: list(v.shape) for k, v in state.items()}

    def judge(result: Result) -> None:
        report = result.output
        if not isinstance(report, dict) or "keys" not in report:
            raise Failure("internal: the driver returned no result")
        if report.get("problem"):
            raise Failure(str(report["problem"]))
        _check_state_names(report["keys"], shapes)
        if report.get("load_error"):
            raise Failure(f"load_state_dict(strict=True) failed: {report['load_error']}")
        if expected is not None:
            close(report["output"], expected, what="output", atol=atol, rtol=rtol)
        if expected_grads is not None:
            _check_param_grads(report.get("grads") or {}, expected_grads, atol=atol, rtol=rtol)
        if check is not None:
            check(result)

    shown_inputs = [describe(v) if isinstance(v, torch.Tensor) else repr(v) for v in inputs]
    shown_inputs += [f"{k}={v!r}" for k, v in (input_kwargs or {}).items()]
    payload = {"init_args": tuple(init_args), "init_kwargs": dict(init_kwargs or {}),
               "state": dict(state), "inputs": tuple(inputs), "input_kwargs": dict(input_kwargs or {}),
               "method": method, "grad_out": grad_out,
               SHOWN: f"module{tuple(init_args)!r} loaded with its {len(state)} state_dict entries, "
                      f"{method}({', '.join(shown_inputs)})"}
    return Case(name, args=(payload,), driver=driver, check=judge, cuda_tol=cuda_tol,
                description=description or f"{method} after load_state_dict")


def _check_state_names(keys: dict[str, Any], shapes: dict[str, list[int]]) -> None:
    missing = [k for k in shapes if k not in keys]
    extra = [k for k in keys if k not in shapes]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(extra)}"] if extra else [])
        raise Failure(f"state_dict names differ from the ones asked for: {'; '.join(parts)} "
                      f"(expected exactly {', '.join(shapes)})")
    for key, shape in shapes.items():
        if list(keys[key]) != shape:
            raise Failure(f"state_dict[{key!r}] has shape {list(keys[key])}, expected {shape}")


def _check_param_grads(got: dict[str, Any], want: dict[str, torch.Tensor], **tol: Any) -> None:
    for key, expected in want.items():
        actual = got.get(key)
        if actual is None:
            raise Failure(f"{key}.grad is None after backward: that parameter is not part of the graph")
        close(actual, expected, what=f"{key}.grad", **tol)


def steps_case(
    name: str,
    init_args: tuple[Any, ...],
    calls: Sequence[tuple[str, tuple[Any, ...]] | tuple[str, tuple[Any, ...], dict[str, Any]]],
    expected: Sequence[Any],
    *,
    init_kwargs: dict[str, Any] | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    driver: str = "drive_steps",
    description: str = "",
) -> Case:
    """A stateful object `entry(*init_args)` stepped through `calls` ((method, args[, kwargs]) each);
    the list of what each call returned is compared with `expected`. `driver`: a driver.py function
    that post-processes `drive_steps(entry, payload)` (e.g. to plain bools)."""
    plan = [(c[0], tuple(c[1]), dict(c[2]) if len(c) > 2 else {}) for c in calls]  # type: ignore[misc]
    payload = {"init_args": tuple(init_args), "init_kwargs": dict(init_kwargs or {}), "calls": plan,
               SHOWN: f"one instance{tuple(init_args)!r}, {len(plan)} calls"}
    return Case(name, args=(payload,), driver=driver, expected=list(expected), atol=atol,
                rtol=rtol, description=description or f"{len(plan)} calls on one instance")


def chain_case(
    name: str,
    steps: Sequence[tuple[Any, ...]],
    expected: Sequence[Any],
    *,
    state_kwarg: str | None = None,
    state_out: int = -1,
    initial_state: Any = None,
    compare: Callable[[int, Any, Any], None] | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    cuda_tol: float | None = None,
    description: str = "",
) -> Case:
    """A function called once per step with that step's args and the state the previous call returned
    (`result[state_out]`; `initial_state` first), as the last positional argument or as `state_kwarg`.
    Each step's whole result is compared with `expected[i]` (or judged by `compare(i, got, want)`)."""
    firsts = " → ".join(describe(step[0]) if step and isinstance(step[0], torch.Tensor) else "…"
                        for step in steps)
    payload = {"steps": [tuple(s) for s in steps], "state_kwarg": state_kwarg, "state_out": state_out,
               "initial_state": initial_state,
               SHOWN: f"{len(steps)} chained calls, first arguments {firsts}"}

    def judge(result: Result) -> None:
        outputs = result.output
        if not isinstance(outputs, list) or len(outputs) != len(expected):
            raise Failure("internal: the driver returned no result")
        for i, (got, want) in enumerate(zip(outputs, expected)):
            if isinstance(got, dict) and "error" in got:
                raise Failure(f"step {i + 1}: {got['error']}")
            if compare is not None:
                compare(i, got, want)
            else:
                close(got, want, what=f"step {i + 1} result", atol=atol, rtol=rtol)

    return Case(name, args=(payload,), driver="drive_chain", check=judge, cuda_tol=cuda_tol,
                description=description or f"{len(payload['steps'])} chained calls")


def hoeffding_tolerance(n: int, value_range: float = 1.0, false_rejection: float = 1e-7) -> float:
    """A tolerance t on the mean of `n` independent values in an interval of width `value_range`:
    a correct implementation strays farther than t with probability at most `false_rejection`
    (Hoeffding: P(|mean − μ| ≥ t) ≤ 2·exp(−2nt²/range²))."""
    return value_range * math.sqrt(math.log(2.0 / false_rejection) / (2.0 * n))


def check_mean(
    values: torch.Tensor,
    expected: float,
    *,
    what: str,
    value_range: float = 1.0,
    false_rejection: float = 1e-7,
) -> None:
    """A statistical check: the mean of `values` (independent draws in a range of width
    `value_range`) is `expected` within the Hoeffding tolerance for `false_rejection`."""
    n = values.numel()
    mean = values.to(torch.float64).mean().item() if n else float("nan")
    tol = hoeffding_tolerance(max(n, 1), value_range, false_rejection)
    if not math.isfinite(mean) or abs(mean - expected) > tol:
        raise Failure(f"{what}: {mean:.4g} over {n} draws; expected {expected:.4g} ± {tol:.3g} "
                      f"(a correct implementation misses by this much with probability < "
                      f"{false_rejection:g})")


def sampled_case(
    name: str,
    args: tuple[Any, ...],
    check: Callable[[Result], None],
    *,
    kwargs: dict[str, Any] | None = None,
    driver: str = "call",
    false_rejection: float = 1e-7,
    wrt: tuple[int, ...] = (),
    grad_out: Any = None,
    description: str = "",
) -> Case:
    """A random-output case judged only by `check` (build it from `check_mean` and friends, each with
    a false-rejection bound); `false_rejection` is the case's stated bound, shown in its description."""
    note = f"statistical; a correct answer fails with probability < {false_rejection:g}"
    return Case(name, args=tuple(args), kwargs=dict(kwargs or {}), driver=driver, check=check,
                wrt=tuple(wrt), grad_out=grad_out,
                description=f"{description}; {note}" if description else note)


def raises_case(
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    *,
    exception: type[Exception] = ValueError,
    description: str = "",
) -> Case:
    """The entry point called with these arguments must raise `exception` (a builtin, or a subclass of
    it). Needs a driver.py with `from drillcli.grader.api import drive_raises  # noqa: F401`."""
    wanted = exception.__name__
    shown = ", ".join([*(describe(a) if isinstance(a, torch.Tensor) else repr(a) for a in args),
                       *(f"{k}={v!r}" for k, v in (kwargs or {}).items())])

    def check(result: Result) -> None:
        out = result.output
        if not (isinstance(out, dict) and out.get("matched")):
            got = "no exception" if not isinstance(out, dict) or out.get("raised") is None else out["raised"]
            raise Failure(f"must raise {wanted}; got {got}")

    payload = {"args": tuple(args), "kwargs": dict(kwargs or {}), "exception": wanted, SHOWN: shown}
    return Case(name=name, args=(payload,), driver="drive_raises", check=check,
                description=description or f"({shown}): {wanted}")


# ---- shared drivers: run in the submission's process (re-exported by a challenge's driver.py) -------

def drive_raises(entry: Callable[..., Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Call the entry point; report the exception it raised (its type's name) and whether it is the
    builtin exception the case wants, or a subclass of it."""
    import builtins

    wanted = getattr(builtins, payload["exception"])
    try:
        entry(*payload["args"], **payload["kwargs"])
    except Exception as exc:  # noqa: BLE001 - the type is what is judged
        return {"raised": type(exc).__name__, "matched": isinstance(exc, wanted)}
    return {"raised": None, "matched": False}


def drive_module(
    entry: Callable[..., Any],
    payload: dict[str, Any],
    build: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Build (`build(entry, *init_args, **init_kwargs)`, by default `entry(...)`), report state_dict
    names and shapes, load the given state (strict), call, backward."""
    from drillcli.grader.sandbox import trusted

    make = build if build is not None else (lambda e, *a, **k: e(*a, **k))
    module = make(entry, *payload["init_args"], **payload["init_kwargs"])
    with trusted():
        if not isinstance(module, torch.nn.Module):
            return {"keys": {}, "problem": f"{type(module).__name__} is not an nn.Module"}
        keys = {k: list(v.shape) for k, v in module.state_dict().items()}
        state = payload["state"]
        report: dict[str, Any] = {"keys": keys}
        if set(keys) != set(state) or any(keys[k] != list(v.shape) for k, v in state.items()):
            return report
        dtype = float_dtype(*state.values())
        device = next((v.device for v in state.values() if isinstance(v, torch.Tensor)), None)
        try:
            module.to(device=device, dtype=dtype)
            module.load_state_dict(state, strict=True)
        except Exception as exc:  # noqa: BLE001 - reported as the test's failure
            report["load_error"] = f"{type(exc).__name__}: {exc}"[:500]
            return report
    want_grads = payload["grad_out"] is not None
    with torch.set_grad_enabled(want_grads):
        out = getattr(module, payload["method"])(*payload["inputs"], **payload["input_kwargs"])
    report["output"] = out
    if want_grads:
        with trusted():
            report["grads"] = _param_grads(module, out, payload["grad_out"])
    return report


def _param_grads(module: torch.nn.Module, out: Any, grad_out: torch.Tensor) -> dict[str, Any]:
    named = [(k, p) for k, p in module.named_parameters() if p.requires_grad]
    if not isinstance(out, torch.Tensor) or not out.requires_grad or not named:
        return {}
    found = torch.autograd.grad(out, [p for _, p in named], grad_out.to(out.device), allow_unused=True)
    return {k: g for (k, _), g in zip(named, found)}


def drive_steps(entry: Callable[..., Any], payload: dict[str, Any]) -> list[Any]:
    """One instance, then each (method, args, kwargs) call in turn; what each returned."""
    obj = entry(*payload["init_args"], **payload["init_kwargs"])
    return [getattr(obj, method)(*args, **kwargs) for method, args, kwargs in payload["calls"]]


def drive_chain(entry: Callable[..., Any], payload: dict[str, Any]) -> list[Any]:
    """Each step's call with the previous call's state; stops at the first call that fails to give
    one (its place holds {"error": ...})."""
    state = payload["initial_state"]
    outputs: list[Any] = []
    for args in payload["steps"]:
        kwargs = {payload["state_kwarg"]: state} if payload["state_kwarg"] else {}
        call_args = args if payload["state_kwarg"] else (*args, state)
        before = _clone_tensors((args, state))
        result = entry(*call_args, **kwargs)
        outputs.append(result)
        if not _same_values(before, (args, state)):
            outputs[-1] = {"error": "an input (or the state passed in) was modified in place"}
            outputs += [None] * (len(payload["steps"]) - len(outputs))
            break
        try:
            state = result[payload["state_out"]]
        except (TypeError, IndexError, KeyError):
            outputs[-1] = {"error": f"the result ({describe(result)}) holds no state at index "
                                    f"{payload['state_out']}"}
            outputs += [None] * (len(payload["steps"]) - len(outputs))
            break
    return outputs


def load_reference(tests_file: str, entry: str) -> Callable[..., Any]:
    """The entry point of the reference.py beside `tests_file` (a tests.py passes its `__file__`), for
    tests that take their expected values from the challenge's own reference."""
    import importlib.util
    from pathlib import Path

    path = Path(tests_file).with_name("reference.py")
    spec = importlib.util.spec_from_file_location(f"drill_reference_{path.parent.name}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found: Callable[..., Any] = getattr(module, entry)
    return found


def _clone_tensors(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return [_clone_tensors(v) for v in value]
    return value


def _same_values(before: Any, after: Any) -> bool:
    if isinstance(before, torch.Tensor):
        return (isinstance(after, torch.Tensor) and before.shape == after.shape
                and bool(torch.equal(before, after.detach())))
    if isinstance(before, list):
        return isinstance(after, (list, tuple)) and len(before) == len(after) and all(
            _same_values(b, a) for b, a in zip(before, after))
    return True


def random_state(module: torch.nn.Module, seed: int, dtype: torch.dtype = torch.float32) -> dict[str, torch.Tensor]:
    """Seeded random values for every entry of `module.state_dict()` (floating entries ~ N(0, 1/fan),
    others copied), in `dtype`: a state for `module_case` that tells weights apart."""
    g = seeded(seed)
    state = {}
    for key, value in module.state_dict().items():
        if value.is_floating_point():
            fan = value.shape[-1] if value.dim() > 1 else 1
            state[key] = (torch.randn(value.shape, generator=g, dtype=torch.float64) / fan ** 0.5).to(dtype)
        else:
            state[key] = value.clone()
    return state


def module_reference(cls: Callable[..., torch.nn.Module], *init_args: Any, method: str = "forward",
                     **init_kwargs: Any) -> Callable[..., Any]:
    """A `module_case` reference from a reference module class: `cls(*init_args)` in float64, loaded
    with the case's state (strict), then `module.<method>(*inputs)`."""
    def reference(state: dict[str, torch.Tensor], *inputs: Any, **kwargs: Any) -> Any:
        module = cls(*init_args, **init_kwargs).to(torch.float64)
        for key, value in state.items():  # load without breaking the autograd link to `state`
            *path, leaf = key.split(".")
            owner = module.get_submodule(".".join(path))
            if leaf in owner._parameters:
                del owner._parameters[leaf]
            elif leaf in owner._buffers:
                del owner._buffers[leaf]
            setattr(owner, leaf, value)
        return getattr(module, method)(*inputs, **kwargs)

    return reference
