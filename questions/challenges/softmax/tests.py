"""Hidden tests for `softmax` (trusted side only; see docs/grader.md).

Expected values come from a float64 reference cast back to the input's dtype (`tensor_case`), so any
correct formula (max-shift, logsumexp, ...) passes with `torch.testing.assert_close` tolerances.
"""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded, tensor_case

LARGE_ATOL = 1e-3  # docs/challenges.md: logits around ±1e4 accept any stable formula


def _softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)


def _call(name: str, x: torch.Tensor, dim: int | None = None, *, as_kwarg: bool = False,
          atol: float | None = None, rtol: float | None = None) -> Case:
    """A plain call; `dim` omitted, positional or as a keyword."""
    args = (x,) if dim is None or as_kwarg else (x, dim)
    kwargs = {"dim": dim} if dim is not None and as_kwarg else {}
    return tensor_case(name, _softmax, args, kwargs, atol=atol, rtol=rtol)


def _ordinary(g: torch.Generator) -> list[Case]:
    return [
        _call("rows_default_dim", torch.randn(4, 10, generator=g)),
        _call("vector", torch.randn(7, generator=g)),
        _call("single_element", torch.randn(1, 1, generator=g)),
        _call("dim0_2d", torch.randn(5, 7, generator=g), 0),
        _call("dim1_3d", torch.randn(2, 3, 4, generator=g), 1, as_kwarg=True),
        _call("negative_dim_3d", torch.randn(2, 3, 4, generator=g), -2),
        _call("dim0_4d", torch.randn(3, 2, 4, 5, generator=g), 0, as_kwarg=True),
        _call("equal_scores", torch.full((3, 6), 2.5), -1),
        _call("float64_keeps_dtype", torch.randn(3, 5, generator=g, dtype=torch.float64), 1),
        _call("batch_64x1000", torch.randn(64, 1000, generator=g) * 3, -1),
    ]


def _large(g: torch.Generator) -> list[Case]:
    big = torch.randn(3, 8, generator=g) * 1e4
    small = -torch.rand(4, 6, generator=g) * 1e4 - 1e4
    return [
        _call("large_logits_pm1e4", big, -1, atol=LARGE_ATOL, rtol=0.0),
        _call("large_negative_logits_dim0", small, 0, atol=LARGE_ATOL, rtol=0.0),
    ]


def cases(device: str) -> list[Case]:
    g = seeded(20240611)
    gradient = tensor_case(
        "gradient_flows", _softmax, (torch.randn(3, 5, generator=g, dtype=torch.float64),), wrt=(0,),
        seed=1, description="autograd through your softmax gives the softmax Jacobian-vector product")
    return [*_ordinary(g), *_large(g), gradient]
