"""Hidden tests for clip_grad_norm: expected values come from torch.nn.utils.clip_grad_norm_ (float64)."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, close, seeded

CLIP_RTOL = 1e-3  # docs/challenges.md: with or without torch's +1e-6


def _expected(grads, max_norm):
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros_like(g, dtype=torch.float64))
        p.grad = g.double().clone()
        params.append(p)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return float(norm), [p.grad.to(g.dtype) for p, g in zip(params, grads)]


def _case(name, grads, max_norm, *, expect_clipped=None) -> Case:
    norm, clipped = _expected(grads, max_norm)
    if expect_clipped is not None:
        assert (norm > max_norm) == expect_clipped, (name, norm, max_norm)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, dict) or "norm" not in out or "grads" not in out:
            raise Failure(f"unexpected result {out!r}")
        close(out["norm"], norm, what="returned norm", atol=1e-6, rtol=1e-5)
        after = out["grads"]  # the very tensor objects the caller passed in
        if not isinstance(after, (list, tuple)) or len(after) != len(clipped):
            raise Failure(f"the grads list should still hold {len(clipped)} tensors")
        for i, (got, want) in enumerate(zip(after, clipped)):
            close(got, want, what=f"grads[{i}] after the call (the caller's tensor, scaled in place?)",
                  atol=1e-7, rtol=CLIP_RTOL)

    # driver.py checks the caller's tensor objects, so replacing the list's elements is not clipping
    return Case(name=name, args=(grads, max_norm), driver="clip", check=check, mutates=True)


def _randn(g, *shape, scale=1.0, dtype=torch.float32):
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)


def cases(device: str) -> list[Case]:
    g = seeded(42)
    many = [_randn(g, 64, 64) for _ in range(8)]
    return [
        _case("single_tensor_clipped", [_randn(g, 10, scale=3.0)], 1.0, expect_clipped=True),
        _case("several_shapes_global_norm", [_randn(g, 3, 4), _randn(g, 5), _randn(g, 2, 2, 2)], 2.0,
              expect_clipped=True),
        # every tensor's own norm is below max_norm, the global norm is above it
        _case("each_below_max_global_above",
              [torch.full((4,), 0.4), torch.full((4,), -0.4), torch.full((4,), 0.4)], 1.0,
              expect_clipped=True),
        _case("below_max_left_unchanged", [_randn(g, 6, scale=0.1), _randn(g, 2, 3, scale=0.1)], 5.0,
              expect_clipped=False),
        _case("empty_list_returns_zero", [], 1.0),
        _case("all_zero_grads_no_nan", [torch.zeros(3, 3), torch.zeros(5)], 1.0, expect_clipped=False),
        _case("integer_max_norm", [_randn(g, 7, scale=2.0), _randn(g, 3, scale=2.0)], 2, expect_clipped=True),
        _case("float64_grads", [_randn(g, 4, 4, scale=2.0, dtype=torch.float64),
                                _randn(g, 6, dtype=torch.float64)], 0.5, expect_clipped=True),
        _case("many_large_tensors", many, 10.0, expect_clipped=True),
    ]
