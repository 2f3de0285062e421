"""Hidden tests for label_smoothing_ce: expected values are F.cross_entropy(label_smoothing=ε) in float64
(`tensor_case`), so any correct, stable formula passes at `assert_close` tolerances."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded, tensor_case

# docs/challenges.md: logits of ±1e4 need a finite, correct loss with atol 1e-3; rtol 1e-6 leaves room for a
# few float32 ulps when the loss itself is of order 1e4.
LARGE = {"atol": 1e-3, "rtol": 1e-6}


def _smoothed_ce(logits: torch.Tensor, targets: torch.Tensor, smoothing: float = 0.1) -> torch.Tensor:
    return F.cross_entropy(logits, targets, label_smoothing=smoothing)


def _case(name, logits, targets, eps=None, *, how="kw", dtype=torch.float32, tol=None, wrt=(),
          description="") -> Case:
    """`how`: "kw" passes smoothing by keyword, "pos" by position, "default" leaves it out (ε = 0.1)."""
    logits = logits.to(dtype)
    args, kwargs = (logits, targets), {}
    if how == "pos":
        args = (logits, targets, eps)
    elif how == "kw":
        kwargs = {"smoothing": eps}
    shown = 0.1 if eps is None else eps
    return tensor_case(name, _smoothed_ce, args, kwargs, wrt=wrt, **(tol or {}),
                       description=description or f"{list(logits.shape)} logits, ε={shown}")


def _random(seed: int, n: int, c: int, scale: float = 1.0):
    g = seeded(seed)
    logits = torch.randn(n, c, generator=g, dtype=torch.float64) * scale
    return logits, torch.randint(0, c, (n,), generator=g)


def cases(device: str) -> list[Case]:
    big, big_t = _random(7, 8, 6, scale=1e4)
    off, off_t = _random(8, 5, 4)
    return [
        _case("default_smoothing_0.1", *_random(1, 6, 5), how="default"),
        _case("smoothing_0.2_keyword", *_random(2, 8, 10), 0.2),
        _case("smoothing_positional", *_random(3, 4, 7), 0.25, how="pos"),
        # Three classes, ε = 0.6: ε/C = 0.2 against ε/(C−1) = 0.3 on the wrong classes.
        _case("three_classes_eps_over_C", *_random(4, 6, 3), 0.6,
              description="ε/C on every class, not ε/(C−1) on the wrong ones"),
        _case("two_classes", *_random(5, 10, 2), 0.3),
        _case("smoothing_0_is_plain_ce", *_random(6, 5, 4), 0.0),
        _case("smoothing_1_uniform_target", *_random(9, 5, 4), 1.0),
        _case("worked_example", torch.tensor([[2.0, 0.0, 0.0]]), torch.tensor([0]), 0.3),
        _case("large_logits_1e4", big, big_t, 0.1, tol=LARGE, description="logits of ±1e4: finite, correct loss"),
        _case("common_offset_plus_1e4", off + 1e4, off_t, 0.2, tol=LARGE, description="every logit shifted by +1e4"),
        _case("many_classes_1000", *_random(10, 16, 1000, scale=3.0), 0.1),
        _case("float64_keeps_dtype", *_random(11, 6, 5), 0.15, dtype=torch.float64),
        _case("gradient_matches", *_random(12, 6, 5), 0.2, wrt=(0,), description="gradient = (softmax − q) / N"),
    ]
