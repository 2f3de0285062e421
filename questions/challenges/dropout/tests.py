"""Hidden tests for dropout: statistical checks (never a seeded copy of PyTorch's draw)."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, Failure, Result, raises_case, seeded


def _nonzero_input(shape, seed, dtype=torch.float32) -> torch.Tensor:
    """Values of magnitude in [0.5, 1.5) with random signs: an output zero can only come from the mask."""
    g = seeded(seed)
    mag = torch.rand(shape, generator=g, dtype=torch.float64) + 0.5
    sign = torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
    return (mag * sign).to(dtype)


def _check_drop(x: torch.Tensor, p: float, out) -> torch.Tensor:
    """Check one dropout output against its input; return the keep mask."""
    if not isinstance(out, torch.Tensor):
        raise Failure(f"expected a tensor, got {type(out).__name__}")
    if out.shape != x.shape:
        raise Failure(f"shape mismatch: expected {list(x.shape)}, got {list(out.shape)}")
    if out.dtype != x.dtype:
        raise Failure(f"dtype mismatch: expected {x.dtype}, got {out.dtype}")
    o = out.detach().to(torch.float64)
    if not torch.isfinite(o).all():
        raise Failure("the output holds NaN or infinite values")
    xs = x.to(torch.float64)
    kept = o != 0
    scaled = xs / (1.0 - p)
    tol = 1e-5 if x.dtype == torch.float32 else 1e-10
    err = ((o - scaled).abs() / scaled.abs())[kept]
    if err.numel() and err.max().item() > tol:
        raise Failure(f"kept elements must equal x / (1 - p) = x * {1 / (1 - p):.6g}; "
                      f"worst relative error {err.max().item():.3g}")
    dropped = 1.0 - kept.double().mean().item()
    # The fraction of zeros is binomial with standard error sqrt(p(1-p)/n) <= 0.0014 for n >= 131072;
    # 0.01 is more than 7 standard errors and still catches keep/drop swapped or a fixed pattern.
    if abs(dropped - p) > 0.01:
        raise Failure(f"{dropped:.4f} of the elements were zeroed; expected about p = {p}")
    # Zeros spread over the whole tensor: each row of the last dim (>= 128 elements) stays within 0.25
    # of p. Exact binomial tails: a correct mask breaks this with probability < 1e-7 per test (the
    # worst case is 1024 rows of 128 at p = 0.2; 0.2 would fail about once in 13,000 runs), while a
    # mask drawn per row or per column is off by 1 - p on its dropped rows and p on its kept ones.
    rows = (~kept).double().reshape(-1, x.shape[-1]).mean(dim=1)
    if (rows - p).abs().max().item() > 0.25:
        raise Failure("zeros are not spread independently: some rows are dropped far more or less than p")
    cols = (~kept).double().reshape(-1, x.shape[-1]).mean(dim=0)
    if (cols - p).abs().max().item() > 0.25:
        raise Failure("zeros are not spread independently: some columns are dropped far more or less than p")
    return kept


def _stats(name, shape, p, seed, dtype=torch.float32, use_default=False) -> Case:
    x = _nonzero_input(shape, seed, dtype)

    def check(result: Result) -> None:
        _check_drop(x, p, result.output)

    kwargs = {} if use_default else {"p": p, "training": True}
    return Case(name=name, args=(x,), kwargs=kwargs, check=check,
                description=f"{dtype} {list(shape)}, p={p}, training")


def _identity(name, x, **kwargs) -> Case:
    return Case(name=name, args=(x,), kwargs=kwargs, expected=x.clone(), atol=0.0, rtol=0.0,
                description=f"{list(x.shape)}, {kwargs}: returns x unchanged")


def _raises(name, p, training) -> Case:
    return raises_case(name, (_nonzero_input((4, 8), 7),), {"p": p, "training": training}, exception=ValueError,
                       description=f"p={p}, training={training}: ValueError")


def _twice(name, shape, p, seed) -> Case:
    x = _nonzero_input(shape, seed)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, (list, tuple)) or len(out) != 2:
            raise Failure("internal: the driver returned no result")
        a = _check_drop(x, p, out[0])
        b = _check_drop(x, p, out[1])
        differ = (a != b).double().mean().item()
        # Independent masks disagree on 2p(1-p) = 0.5 of the elements; a repeated mask on none.
        if differ < 0.4:
            raise Failure(f"two calls drew (nearly) the same mask ({differ:.3f} of elements differ); "
                          "every call must draw a fresh random mask")

    return Case(name=name, args=(x,), kwargs={"p": p, "training": True}, driver="twice", check=check,
                description="two calls draw different masks")


def _gradient(name, shape, p, seed) -> Case:
    x = _nonzero_input(shape, seed)
    grad_out = torch.ones(shape)

    def check(result: Result) -> None:
        kept = _check_drop(x, p, result.output)
        if not result.grads or result.grads[0] is None:
            raise Failure("no gradient reached x: the output must stay connected to x")
        g = result.grads[0].to(torch.float64)
        want = kept.double() / (1.0 - p)
        if g.shape != want.shape or not torch.allclose(g, want, rtol=1e-5, atol=1e-6):
            raise Failure("the gradient w.r.t. x must be mask / (1 - p)")

    return Case(name=name, args=(x,), kwargs={"p": p, "training": True}, driver="vjp", wrt=(0,),
                grad_out=grad_out, check=check, description="gradient = mask / (1 - p)")


def cases(device: str) -> list[Case]:
    x_p1 = _nonzero_input((64, 128), 11)
    return [
        _stats("p0.5_512x512", (512, 512), 0.5, 1),
        _stats("p0.2_3d_batch", (16, 64, 128), 0.2, 2),
        _stats("p0.9_mostly_dropped", (256, 512), 0.9, 3),
        _stats("default_args_p0.5_training", (256, 512), 0.5, 4, use_default=True),
        _stats("float64_keeps_dtype", (256, 512), 0.3, 5, dtype=torch.float64),
        _twice("fresh_mask_each_call", (256, 256), 0.5, 6),
        _gradient("gradient_through_kept", (256, 256), 0.25, 8),
        _identity("eval_mode_identity", _nonzero_input((32, 128), 9), p=0.5, training=False),
        _identity("p0_identity_training", _nonzero_input((32, 128), 10), p=0.0, training=True),
        Case(name="p1_all_zeros", args=(x_p1,), kwargs={"p": 1.0, "training": True},
             expected=torch.zeros(64, 128), atol=0.0, rtol=0.0,
             description="p = 1 zeroes everything (no NaN)"),
        _raises("p_above_1_raises", 1.5, True),
        _raises("p_negative_raises_in_eval", -0.1, False),
    ]
