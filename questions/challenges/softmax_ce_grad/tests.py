"""Hidden tests for softmax_ce_grad: expected values are autograd's gradient of F.cross_entropy."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _case(name, logits64, targets, dtype=torch.float32, large=False) -> Case:
    logits64 = logits64.to(dtype).to(torch.float64)  # the values the submission will see
    z = logits64.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(z, targets), z)
    return Case(
        name=name,
        args=(logits64.to(dtype), targets),
        expected=grad.to(dtype),
        atol=1e-3 if large else None,
        rtol=0.0 if large else None,
        description="large logits: finite output required, atol 1e-3" if large else "",
    )


def _random(seed, n, c, scale=1.0):
    g = seeded(seed)
    logits = torch.randn(n, c, generator=g, dtype=torch.float64) * scale
    targets = torch.randint(0, c, (n,), generator=g)
    return logits, targets


def cases(device: str) -> list[Case]:
    large, large_t = _random(5, 6, 5, scale=1e4)
    shifted, shifted_t = _random(6, 4, 3)
    same_t = torch.full((7,), 2, dtype=torch.int64)
    return [
        _case("small_batch", *_random(1, 4, 5)),
        _case("batch_of_one", *_random(2, 1, 6)),
        _case("two_classes", *_random(3, 8, 2)),
        _case("many_classes_1000", *_random(4, 16, 1000)),
        _case("large_logits_1e4", large, large_t, large=True),
        _case("large_common_offset_1e4", shifted + 1e4, shifted_t, large=True),
        _case("repeated_targets", _random(7, 7, 4)[0], same_t),
        _case("float64_keeps_dtype", *_random(8, 5, 3), dtype=torch.float64),
        _case("large_batch_512", *_random(9, 512, 10, scale=3.0)),
    ]
