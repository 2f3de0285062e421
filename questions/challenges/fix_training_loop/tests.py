"""Hidden tests for fix_training_loop: per-epoch losses of a correct loop, run here from the same weights."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
from torch import nn

from drillcli.grader.api import Case, Failure, Result, seeded


def _driver():
    path = Path(__file__).with_name("driver.py")
    spec = importlib.util.spec_from_file_location("_fix_training_loop_driver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _correct_losses(state, X, y, epochs, lr) -> list[float]:
    model = _driver().build({k: v.clone() for k, v in state.items()}, "cpu", start_in_eval=False)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(X.clone()), y.clone())
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def _case(tol, name, seed, n, d_in, hidden, classes, epochs, lr, start_in_eval=False, description="") -> Case:
    g = seeded(seed)
    # Two or more blobs: a problem the model can actually learn, so the losses fall.
    centers = torch.randn(classes, d_in, generator=g) * 2.0
    y = torch.randint(0, classes, (n,), generator=g)
    X = centers[y] + torch.randn(n, d_in, generator=g)
    state = {
        "fc1.weight": torch.randn(hidden, d_in, generator=g) / d_in**0.5,
        "fc1.bias": torch.randn(hidden, generator=g) * 0.1,
        "fc2.weight": torch.randn(classes, hidden, generator=g) / hidden**0.5,
        "fc2.bias": torch.randn(classes, generator=g) * 0.1,
    }
    want = _correct_losses(state, X, y, epochs, lr)

    def check(result: Result) -> None:
        out = result.output
        if out["losses"] is None:
            raise Failure(f"expected a list of floats, got {out['type']}")
        if start_in_eval and out["modes"] and not all(out["modes"]):
            raise Failure("the model ran in eval mode: put it in training mode before the loop")
        losses = out["losses"]
        if len(losses) != epochs:
            raise Failure(f"expected {epochs} losses (one per epoch), got {len(losses)}")
        for i, (v, plain, typ) in enumerate(zip(losses, out["plain"], out["types"])):
            if not plain:
                raise Failure(f"losses[{i}] is a {typ}: append plain Python floats (loss.item())")
            w = want[i]
            if v is None or not abs(v - w) <= tol:
                raise Failure(f"losses[{i}]: expected {w:.6f}, got {v!r}")

    args = (state, X, y, epochs, lr)
    return Case(name=name, args=args, kwargs={"start_in_eval": start_in_eval}, driver="run", check=check,
                description=description or f"{classes} classes, {epochs} epochs, lr={lr}")


def cases(device: str) -> list[Case]:
    tol = 1e-5 if device == "cpu" else 1e-3
    return [
        _case(tol, "two_classes_20_epochs", 1, 64, 2, 16, 2, 20, 0.5),
        _case(tol, "three_classes_30_epochs", 2, 90, 4, 32, 3, 30, 0.1),
        _case(tol, "first_epoch_raw_logits", 3, 40, 3, 8, 4, 1, 0.1,
              description="one epoch: the loss of the initial model on raw logits"),
        _case(tol, "large_lr_15_epochs", 4, 50, 2, 16, 2, 15, 1.0),
        _case(tol, "five_classes_small_lr", 5, 100, 6, 24, 5, 25, 0.02),
        _case(tol, "starts_in_eval_mode", 6, 60, 3, 16, 3, 10, 0.3, start_in_eval=True,
              description="the caller left the model in eval mode"),
        _case(tol, "zero_epochs_empty_list", 7, 20, 2, 8, 2, 0, 0.1, description="epochs = 0"),
    ]
