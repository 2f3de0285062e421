"""Hidden tests for train_classifier: seeded 2-D data sets; the fresh sample's labels never leave this side."""

from __future__ import annotations

import math

import torch

from drillcli.grader.api import Case, Failure, Result, seeded


def spirals(n: int, classes: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    y = torch.randint(0, classes, (n,), generator=g)
    t = torch.rand(n, generator=g, dtype=torch.float64) ** 0.5  # uniform density along the arm
    theta = 2 * math.pi * y / classes + 2.5 * math.pi * t
    r = 0.2 + 2.8 * t
    pts = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1)
    pts = pts + 0.08 * torch.randn(n, 2, generator=g, dtype=torch.float64)
    return pts.float(), y


def rings(n: int, classes: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    y = torch.randint(0, classes, (n,), generator=g)
    angle = 2 * math.pi * torch.rand(n, generator=g, dtype=torch.float64)
    r = 1.0 + 1.0 * y + 0.15 * torch.randn(n, generator=g, dtype=torch.float64)
    pts = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], dim=1)
    return pts.float(), y


def moons(n: int, classes: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    y = torch.randint(0, 2, (n,), generator=g)
    a = math.pi * torch.rand(n, generator=g, dtype=torch.float64)
    upper = torch.stack([torch.cos(a), torch.sin(a)], dim=1)
    lower = torch.stack([1 - torch.cos(a), 0.5 - torch.sin(a)], dim=1)
    pts = torch.where((y == 0).unsqueeze(1), upper, lower)
    pts = pts + 0.12 * torch.randn(n, 2, generator=g, dtype=torch.float64)
    return pts.float(), y


def xor(n: int, classes: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    pts = torch.rand(n, 2, generator=g, dtype=torch.float64) * 2 - 1
    y = ((pts[:, 0] > 0) ^ (pts[:, 1] > 0)).long()
    return pts.float(), y


def _case(name: str, make, n: int, classes: int, seed: int, scale: float = 1.0, shift: float = 0.0) -> Case:
    X, y = make(n, classes, seeded(seed))
    X_fresh, y_fresh = make(2000, classes, seeded(seed + 1000))
    X, X_fresh = X * scale + shift, X_fresh * scale + shift

    def check(result: Result) -> None:
        out = result.output
        if not out.get("is_module"):
            raise Failure(f"train_classifier must return an nn.Module, got {out.get('type')}")
        pred = out["pred"]
        if not isinstance(pred, torch.Tensor) or pred.shape != y_fresh.shape:
            raise Failure(f"model(X).argmax(1) should have shape {list(y_fresh.shape)}; got "
                          f"{list(pred.shape) if isinstance(pred, torch.Tensor) else type(pred).__name__}"
                          f" (does the model output (N, num_classes) logits?)")
        acc = (pred.long() == y_fresh).double().mean().item()
        if acc < 0.9:
            raise Failure(f"accuracy on a fresh sample is {acc:.3f}; at least 0.90 is required")

    return Case(name=name, args=(X, y, classes, X_fresh), driver="fit_predict", check=check,
                description=f"{make.__name__}: {n} points, {classes} classes")


def cases(device: str) -> list[Case]:
    return [
        _case("spirals_2_classes", spirals, 2000, 2, 1),
        _case("spirals_3_classes", spirals, 3000, 3, 2),
        _case("rings_3_classes", rings, 1500, 3, 3),
        _case("moons_2_classes", moons, 1000, 2, 4),
        _case("xor_2_classes", xor, 1200, 2, 5),
        _case("rings_2_classes_scaled_shifted", rings, 1000, 2, 6, scale=20.0, shift=50.0),
    ]
