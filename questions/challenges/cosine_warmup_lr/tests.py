"""Hidden tests for cosine_warmup_lr: the schedule of docs/challenges.md, evaluated in float64 Python."""

from __future__ import annotations

import math

from drillcli.grader.api import Case, Failure, Result


def _lr(step, total_steps, warmup_steps, base_lr, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    t = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * t))


def _case(name, steps, total, warmup, base, min_lr=None, min_lr_as="omitted") -> Case:
    expected = [_lr(s, total, warmup, base, 0.0 if min_lr is None else min_lr) for s in steps]
    # float32 arithmetic in a submission is fine; an off-by-one step is not (far above this)
    atol = 1e-6 * base
    rtol = 1e-5
    where = f"total_steps={total}, warmup_steps={warmup}, base_lr={base}" + (
        "" if min_lr is None else f", min_lr={min_lr}")

    def check(result: Result) -> None:
        got = result.output
        if not isinstance(got, list) or len(got) != len(steps):
            raise Failure(f"expected {len(steps)} learning rates, got {got!r}")
        for step, value, want in zip(steps, got, expected):
            if isinstance(value, str):
                raise Failure(f"step {step}: expected a float, got {value}")
            if not math.isfinite(value) or abs(value - want) > atol + rtol * abs(want):
                raise Failure(f"step {step} ({where}): expected {want!r}, got {value!r}")

    return Case(name=name, args=(steps, total, warmup, base, min_lr, min_lr_as), driver="sweep", check=check)


def cases(device: str) -> list[Case]:
    return [
        _case("warmup_10_total_100", [0, 1, 5, 9, 10, 11, 25, 50, 75, 99, 100], 100, 10, 0.1),
        _case("warmup_boundary_exact", [7, 8, 9], 40, 8, 0.5),
        _case("beyond_total_stays_at_min", [100, 101, 150, 1000], 100, 10, 0.1, 1e-4, "keyword"),
        _case("no_warmup", [0, 1, 10, 25, 49, 50, 60], 50, 0, 1e-3),
        _case("min_lr_positional_every_step", list(range(26)), 20, 5, 3e-4, 3e-5, "positional"),
        _case("warmup_equals_total", list(range(11)), 8, 8, 0.2, 0.01, "keyword"),
        _case("warmup_of_one_step", [0, 1, 2, 5, 10], 10, 1, 1.0),
        _case("long_schedule_10k", [0, 250, 499, 500, 501, 2500, 5000, 5001, 7500, 9999, 10000, 12000],
              10000, 500, 6e-4, 6e-5, "keyword"),
        _case("default_min_lr_is_zero", [0, 3, 6, 30, 60, 61], 60, 6, 2.0),
    ]
