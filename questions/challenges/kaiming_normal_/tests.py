"""Hidden tests for kaiming_normal_: statistical checks over large tensors (never a seeded draw)."""

from __future__ import annotations

import math

import torch

from drillcli.grader.api import Case, Failure, Result, filled_in_place


def _fan_in(shape: tuple[int, ...]) -> int:
    return math.prod(shape[1:])


def _check(shape: tuple[int, ...], dtype: torch.dtype, as_parameter: bool):
    std = math.sqrt(2.0 / _fan_in(shape))

    def check(result: Result) -> None:
        x = filled_in_place(result.output, shape, dtype, as_parameter)
        n = x.numel()
        # Sample std of n normal draws has relative standard error ~1/sqrt(2n) (<= 0.6% here): 5% is
        # a generous margin that still catches a missing gain (-29%) or the wrong fan (x2 on wide/tall).
        s = x.std().item()
        if abs(s / std - 1) > 0.05:
            raise Failure(f"standard deviation {s:.5g} is off: expected about {std:.5g} "
                          f"(fan_in = {_fan_in(shape)}, ReLU gain sqrt(2))")
        # Mean: standard error std/sqrt(n) <= 0.75% of std; allow 5%.
        m = x.mean().item()
        if abs(m) > 0.05 * std:
            raise Failure(f"mean {m:.4g} is not close to 0 (std {std:.4g})")
        # Shape of the distribution: P(|x| < std) = 0.683 for a normal, 0.577 for a uniform with
        # the same std; the standard error is < 0.4% here, so +-3% is safe.
        inside = (x.abs() < std).double().mean().item()
        if abs(inside - 0.6827) > 0.03:
            raise Failure(f"values do not look normally distributed: {inside:.3f} of them lie within "
                          f"one std of 0 (a normal gives 0.683)")
        # A normal sample of this size has values beyond 3 std (about 0.27% of them); a uniform never.
        if (x.abs() > 3 * std).sum().item() < max(1, n // 2000):
            raise Failure("values do not look normally distributed: the tails are missing")

    return check


def _case(name: str, shape: tuple[int, ...], dtype=torch.float32, as_parameter=False) -> Case:
    return Case(
        name=name,
        args=(torch.zeros(shape, dtype=dtype),),
        kwargs={"as_parameter": as_parameter},
        driver="init",
        mutates=True,
        check=_check(shape, dtype, as_parameter),
        description=f"{'nn.Parameter ' if as_parameter else ''}{dtype} {list(shape)}",
    )


def cases(device: str) -> list[Case]:
    return [
        _case("linear_512x512", (512, 512)),
        _case("wide_fan_in_1024", (256, 1024)),
        _case("tall_fan_in_256", (1024, 256)),
        _case("conv2d_64x32x3x3", (64, 32, 3, 3)),
        _case("conv1d_128x16x5", (128, 16, 5)),
        _case("parameter_requires_grad", (256, 512), as_parameter=True),
        _case("conv_parameter_requires_grad", (128, 64, 3, 3), as_parameter=True),
        _case("float64_keeps_dtype", (300, 400), dtype=torch.float64),
    ]
