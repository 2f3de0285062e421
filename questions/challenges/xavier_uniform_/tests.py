"""Hidden tests for xavier_uniform_: statistical checks over large tensors (never a seeded draw)."""

from __future__ import annotations

import math

import torch

from drillcli.grader.api import Case, Failure, Result, filled_in_place


def _bound(shape: tuple[int, ...], gain: float) -> float:
    receptive = math.prod(shape[2:])
    return gain * math.sqrt(6.0 / (shape[1] * receptive + shape[0] * receptive))


def _check(shape: tuple[int, ...], gain: float, dtype: torch.dtype, as_parameter: bool):
    a = _bound(shape, gain)

    def check(result: Result) -> None:
        x = filled_in_place(result.output, shape, dtype, as_parameter)
        n = x.numel()
        # Every value must lie in [-a, a] (float32 rounding of the bound allowed).
        top = x.abs().max().item()
        if top > a * (1 + 1e-5):
            raise Failure(f"a value of magnitude {top:.5g} lies outside [-a, a] with a = {a:.5g}")
        # With n >= 18k uniform draws the largest and smallest sit within 0.1% of the ends almost surely;
        # 2% catches a bound that is too small (e.g. a missing gain or kernel factor).
        if x.max().item() < 0.98 * a or x.min().item() > -0.98 * a:
            raise Failure(f"values do not fill [-a, a] with a = {a:.5g}: they span "
                          f"[{x.min().item():.5g}, {x.max().item():.5g}]")
        # Variance a^2/3; relative standard error of the sample variance sqrt(0.8/n) < 0.7% here.
        var = x.var().item()
        if abs(var / (a * a / 3) - 1) > 0.05:
            raise Failure(f"variance {var:.5g} is off: a uniform U(-a, a) with a = {a:.5g} has {a * a / 3:.5g}")
        m = x.mean().item()
        if abs(m) > 0.05 * a:
            raise Failure(f"mean {m:.4g} is not close to 0 (a = {a:.4g})")
        # Uniform spread: 10 equal bins over [-a, a] each hold about n/10 values (binomial standard
        # error < 0.25% of n here); allow 2% of n either way.
        counts = torch.histc(x.clamp(-a, a), bins=10, min=-a, max=a)
        frac = counts / n
        if (frac - 0.1).abs().max().item() > 0.02:
            raise Failure("values are not spread uniformly over [-a, a]: bin fractions "
                          + ", ".join(f"{f:.3f}" for f in frac.tolist()))

    return check


def _case(name, shape, gain=None, dtype=torch.float32, as_parameter=False, positional=False) -> Case:
    args: tuple = (torch.zeros(shape, dtype=dtype),)
    kwargs: dict = {"as_parameter": as_parameter}
    if gain is not None:
        if positional:
            args = (*args, gain)
        else:
            kwargs["gain"] = gain
    return Case(
        name=name,
        args=args,
        kwargs=kwargs,
        driver="init",
        mutates=True,
        check=_check(shape, 1.0 if gain is None else gain, dtype, as_parameter),
        description=f"{'nn.Parameter ' if as_parameter else ''}{dtype} {list(shape)}, gain={gain}",
    )


def cases(device: str) -> list[Case]:
    return [
        _case("linear_512x512", (512, 512)),
        _case("rectangular_256x1024", (256, 1024)),
        _case("rectangular_1024x128", (1024, 128)),
        _case("conv2d_64x32x3x3", (64, 32, 3, 3)),
        _case("conv1d_96x48x5", (96, 48, 5)),
        _case("gain_relu_sqrt2", (384, 512), gain=math.sqrt(2.0)),
        _case("gain_positional_tanh", (512, 256), gain=5.0 / 3.0, positional=True),
        _case("parameter_requires_grad", (256, 512), as_parameter=True),
        _case("conv_parameter_with_gain", (128, 64, 3, 3), gain=0.5, as_parameter=True),
        _case("float64_keeps_dtype", (300, 400), dtype=torch.float64),
    ]
