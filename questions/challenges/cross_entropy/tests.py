"""Hidden tests for cross_entropy: expected values are F.cross_entropy in float64."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _case(name, logits, targets, dtype=torch.float32, large=False, vjp=False) -> Case:
    logits = logits.to(dtype)
    z = logits.double()
    expected = F.cross_entropy(z, targets).to(dtype)
    extra = {}
    if large:
        # finite output required; atol 1e-3 (rtol 1e-6 leaves room for a few float32 ulps at 1e4)
        extra = {"atol": 1e-3, "rtol": 1e-6, "description": "large logits: finite loss required"}
    if vjp:
        grad_out = torch.tensor(0.75, dtype=dtype)
        zr = z.clone().requires_grad_(True)
        (gz,) = torch.autograd.grad(F.cross_entropy(zr, targets), zr, grad_out.double())
        extra.update(driver="vjp", wrt=(0,), grad_out=grad_out, expected_grads=(gz.to(dtype),))
    return Case(name=name, args=(logits, targets), expected=expected, **extra)


def _random(seed, n, c, scale=1.0):
    g = seeded(seed)
    return torch.randn(n, c, generator=g, dtype=torch.float64) * scale, torch.randint(0, c, (n,), generator=g)


def cases(device: str) -> list[Case]:
    big, big_t = _random(6, 8, 5, scale=1e4)
    off, off_t = _random(7, 5, 4)
    return [
        _case("small_batch", *_random(1, 4, 5)),
        _case("batch_of_one", *_random(2, 1, 7)),
        _case("two_classes", *_random(3, 10, 2)),
        _case("many_classes_1000", *_random(4, 8, 1000)),
        _case("square_batch_4x4", *_random(5, 4, 4)),
        _case("large_logits_1e4", big, big_t, large=True),
        _case("common_offset_plus_1e4", off + 1e4, off_t, large=True),
        _case("float64_keeps_dtype", *_random(8, 6, 3), dtype=torch.float64),
        _case("large_batch_1024", *_random(9, 1024, 10, scale=2.0)),
        _case("gradient_matches", *_random(10, 6, 4), vjp=True),
    ]
