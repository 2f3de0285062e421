"""Hidden tests for drop_path: statistical checks (never a seeded copy of a particular draw).

How often a correct solution fails. Every random quantity judged is a mean of independent 0/1 values,
checked by `check_mean` at the Hoeffding tolerance for a false rejection of PER_CHECK = 1e-8 (with
n >= 4096 samples that tolerance is at most 0.048, while the mistakes it is there for are off by 0.2
or more). This file makes 9 such checks (one per output of the five `_stats` cases and the gradient
case; two shares and one disagreement in the fresh-draw case), so a correct solution fails a run with
probability below 9e-8; the independence case adds one check at INDEPENDENT = 5e-9, so 9.5e-8 < 1e-7
in all. The exact binomial tails are far smaller: the worst check (p = 0.5, n = 4096, tolerance 0.048,
6.2 standard errors) fails with probability 6.6e-10.
Every other check is exact: a correct output is always per-sample and always x / (1 - p) where kept.
"""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, check_mean, raises_case, sampled_case, seeded

PER_CHECK = 1e-8  # false-rejection bound of each statistical check
INDEPENDENT = 5e-9  # the bound of the independence check (keeps the file's total below 1e-7)


def _nonzero_input(shape, seed, dtype=torch.float32) -> torch.Tensor:
    """Values of magnitude in [0.5, 1.5) with random signs: an output zero can only come from the mask."""
    g = seeded(seed)
    mag = torch.rand(shape, generator=g, dtype=torch.float64) + 0.5
    sign = torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
    return (mag * sign).to(dtype)


def _check_drop(x: torch.Tensor, p: float, out) -> torch.Tensor:
    """Check one drop-path output against its input; return the (N,) keep decisions."""
    if not isinstance(out, torch.Tensor):
        raise Failure(f"expected a tensor, got {type(out).__name__}")
    if out.shape != x.shape:
        raise Failure(f"shape mismatch: expected {list(x.shape)}, got {list(out.shape)}")
    if out.dtype != x.dtype:
        raise Failure(f"dtype mismatch: expected {x.dtype}, got {out.dtype}")
    o = out.detach().to(torch.float64).reshape(x.shape[0], -1)
    if not torch.isfinite(o).all():
        raise Failure("the output holds NaN or infinite values")
    zeros = (o == 0).sum(dim=1)
    per_sample = o.shape[1]
    mixed = ((zeros > 0) & (zeros < per_sample)).nonzero()
    if mixed.numel():
        i = int(mixed[0])
        raise Failure(f"sample {i} is partly dropped ({int(zeros[i])} of its {per_sample} elements are 0): "
                      "drop path keeps or drops each sample (dim 0) as a whole")
    kept = zeros == 0
    scaled = x.to(torch.float64).reshape(x.shape[0], -1) / (1.0 - p)
    tol = 1e-5 if x.dtype == torch.float32 else 1e-10
    err = ((o - scaled).abs() / scaled.abs())[kept]
    if err.numel() and err.max().item() > tol:
        raise Failure(f"kept samples must equal x / (1 - p) = x * {1 / (1 - p):.6g}; "
                      f"worst relative error {err.max().item():.3g}")
    check_mean((~kept).double(), p, what="share of dropped samples", false_rejection=PER_CHECK)
    return kept


def _stats(name, shape, p, seed, dtype=torch.float32) -> Case:
    x = _nonzero_input(shape, seed, dtype)

    def check(result: Result) -> None:
        _check_drop(x, p, result.output)

    return sampled_case(name, (x,), check, kwargs={"p": p, "training": True}, false_rejection=PER_CHECK,
                        description=f"{dtype} {list(shape)}, p={p}: one decision per sample")


def _twice(name, shape, p, seed) -> Case:
    x = _nonzero_input(shape, seed)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, (list, tuple)) or len(out) != 2:
            raise Failure("internal: the driver returned no result")
        a = _check_drop(x, p, out[0])
        b = _check_drop(x, p, out[1])
        # Independent draws disagree on 2p(1-p) = 0.5 of the samples; a repeated draw on none.
        check_mean((a != b).double(), 2 * p * (1 - p), false_rejection=PER_CHECK,
                   what="share of samples on which two calls disagree (every call must draw afresh)")

    return sampled_case(name, (x, p), check, driver="twice", false_rejection=3 * PER_CHECK,
                        description="two calls draw afresh")


def _gradient(name, shape, p, seed) -> Case:
    x = _nonzero_input(shape, seed)

    def check(result: Result) -> None:
        kept = _check_drop(x, p, result.output)
        if not result.grads or result.grads[0] is None:
            raise Failure("no gradient reached x: the output must stay connected to x")
        g = result.grads[0].to(torch.float64)
        want = (kept.double() / (1.0 - p)).view((-1,) + (1,) * (x.dim() - 1)).expand(x.shape)
        if g.shape != want.shape or not torch.allclose(g, want, rtol=1e-5, atol=1e-6):
            raise Failure("the gradient w.r.t. x must be the sample's keep decision / (1 - p)")

    return sampled_case(name, (x,), check, kwargs={"p": p}, driver="vjp", wrt=(0,), grad_out=torch.ones(shape),
                        false_rejection=PER_CHECK, description="gradient = keep / (1 - p), per sample")


def _independent(name, calls, p, seed) -> Case:
    """Many calls on a batch of 2: both samples dropped in a share p² of them. Dropping a fixed number
    of samples (the right share in a big batch, but not one draw per sample) never drops both."""
    x = _nonzero_input((2, 3), seed)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, torch.Tensor) or list(out.shape) != [calls, 2, 3]:
            raise Failure(f"expected a tensor of x's shape [2, 3] from every call, got {type(out).__name__}"
                          + (f" of shape {list(out.shape)}" if isinstance(out, torch.Tensor) else ""))
        dropped = (out.reshape(calls, 2, -1) == 0).all(dim=2)
        check_mean((dropped[:, 0] & dropped[:, 1]).double(), p * p, false_rejection=INDEPENDENT,
                   what="share of calls on a batch of 2 that dropped both samples (one draw per sample)")

    return sampled_case(name, (x, p), check, kwargs={"calls": calls}, driver="many", false_rejection=INDEPENDENT,
                        description=f"{calls} calls on a batch of 2, p={p}: independent draws per sample")


def _identity(name, x, **kwargs) -> Case:
    return Case(name=name, args=(x,), kwargs=kwargs, expected=x.clone(), atol=0.0, rtol=0.0,
                description=f"{list(x.shape)}, {kwargs or 'defaults'}: returns x unchanged")


def _raises(name, p, training) -> Case:
    return raises_case(name, (_nonzero_input((8, 4), 7),), {"p": p, "training": training}, exception=ValueError,
                       description=f"p={p}, training={training}: ValueError")


def cases(device: str) -> list[Case]:
    x_p1 = _nonzero_input((64, 3, 4), 11)
    return [
        _stats("image_batch_p0.3", (8192, 2, 3, 4), 0.3, 1),
        _stats("tokens_p0.25_3d", (4096, 5, 6), 0.25, 2),
        _stats("vector_one_per_sample_p0.6", (20000,), 0.6, 3),
        _stats("mostly_dropped_p0.9", (20000, 4), 0.9, 4),
        _stats("float64_keeps_dtype_p0.4", (8192, 8), 0.4, 5, dtype=torch.float64),
        _twice("fresh_draw_each_call", (4096, 8), 0.5, 6),
        _gradient("gradient_per_sample", (4096, 3, 2), 0.3, 8),
        _independent("independent_draws_per_sample", 4096, 0.5, 13),
        _identity("default_p_is_identity", _nonzero_input((32, 16), 9)),
        _identity("eval_mode_identity", _nonzero_input((32, 16), 10), p=0.5, training=False),
        _identity("p0_identity_training", _nonzero_input((32, 16), 12), p=0.0, training=True),
        Case(name="p1_all_zeros", args=(x_p1,), kwargs={"p": 1.0, "training": True},
             expected=torch.zeros(64, 3, 4), atol=0.0, rtol=0.0,
             description="p = 1 drops every sample (no NaN)"),
        _raises("p_above_1_raises", 1.5, True),
        _raises("p_negative_raises_in_eval", -0.1, False),
    ]
