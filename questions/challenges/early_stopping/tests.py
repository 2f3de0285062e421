"""Hidden tests for EarlyStopping: expected booleans come from the rule in the contract.

Losses are dyadic fractions (exact in binary) wherever a comparison sits on a boundary, so
`best - min_delta` is computed exactly and only the rule decides.
"""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded, steps_case


def _expected(losses, patience, min_delta=0.0):
    best, bad, out = None, 0, []
    for loss in losses:
        if best is None or loss < best - min_delta:
            best, bad = loss, 0
        else:
            bad += 1
        out.append(bad >= patience)
    return out


def _case(name, losses, patience, min_delta=None, description="") -> Case:
    kwargs = {} if min_delta is None else {"min_delta": min_delta}
    return steps_case(
        name, (patience,), [("step", (loss,)) for loss in losses],
        _expected(losses, patience, 0.0 if min_delta is None else min_delta),
        init_kwargs=kwargs, driver="run_steps",
        description=description or f"patience={patience}, min_delta={min_delta}, {len(losses)} steps",
    )


def _noisy_curve(seed: int, n: int) -> list[float]:
    g = seeded(seed)
    t = torch.arange(n, dtype=torch.float64)
    curve = 1.0 / (1.0 + 0.15 * t) + 0.002 * t + 0.03 * torch.randn(n, generator=g, dtype=torch.float64)
    return [round(v, 6) for v in curve.tolist()]


def cases(device: str) -> list[Case]:
    noisy = _noisy_curve(3, 60)
    a = [1.0, 0.9, 0.95, 0.97, 0.96, 0.8, 0.85, 0.9, 0.88, 0.86]
    b = [2.0, 2.5, 2.5, 1.0, 1.5, 1.25, 1.125, 1.0, 0.5, 0.75]
    return [
        _case("steady_improvement_never_stops", [1.0, 0.9, 0.8, 0.7, 0.6, 0.5], 2),
        _case("plateau_patience_3", [1.0, 0.9, 0.95, 0.93, 0.92, 0.91], 3),
        _case("first_step_never_stops", [5.0], 1),
        _case("equal_loss_is_not_improvement", [1.0, 1.0, 1.0, 1.0], 2),
        _case("keeps_true_then_resets", [1.0, 1.5, 1.25, 1.125, 1.0625, 0.5, 0.75, 0.625, 0.5625], 2,
              description="True persists past patience; an improvement resets the count"),
        _case("best_moves_only_on_improvement", [1.0, 2.0, 1.75, 1.5, 1.25, 1.125, 1.0625], 4,
              description="a drop that stays above the best is not an improvement"),
        _case("patience_1", [3.0, 2.0, 2.5, 1.0, 1.0, 0.5, 0.75], 1),
        _case("min_delta_boundary_is_strict", [4.0, 3.75, 3.5, 3.25, 3.5, 3.0], 2, min_delta=0.25,
              description="a loss exactly best - min_delta is not an improvement"),
        _case("min_delta_small_gains_ignored", [1.0, 0.9375, 0.875, 0.8125, 0.5, 0.46875, 0.4375], 3,
              min_delta=0.125, description="gains smaller than min_delta count as bad steps"),
        _case("noisy_curve_patience_5", noisy, 5),
        _case("noisy_curve_min_delta", noisy, 4, min_delta=0.01),
        Case(name="instances_do_not_share_state", args=(a, b, 2), driver="interleaved",
             expected=[_expected(a, 2), _expected(b, 2)],
             description="two EarlyStopping objects stepped in turn"),
    ]
