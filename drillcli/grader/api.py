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


def describe(value: Any) -> str:
    """`float32[4, 10]` for a tensor, the type name otherwise."""
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
