"""Hidden tests for train_one_epoch: expected loss and parameters come from a reference epoch run here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

from drillcli.grader.api import Case, Failure, Result, close, seeded


def _driver():
    path = Path(__file__).with_name("driver.py")
    spec = importlib.util.spec_from_file_location("_train_one_epoch_driver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * inputs.shape[0]
        count += inputs.shape[0]
    return total / count


def _case(tol, name, seed, n, d_in, hidden, d_out, batch_size, lr, momentum, loss, description) -> Case:
    g = seeded(seed)
    state = {
        "fc1.weight": torch.randn(hidden, d_in, generator=g) / d_in**0.5,
        "fc1.bias": torch.randn(hidden, generator=g) * 0.1,
        "fc2.weight": torch.randn(d_out, hidden, generator=g) / hidden**0.5,
        "fc2.bias": torch.randn(d_out, generator=g) * 0.1,
    }
    X = torch.randn(n, d_in, generator=g)
    y = torch.randint(0, d_out, (n,), generator=g) if loss == "cross_entropy" else torch.randn(n, d_out, generator=g)
    args = (state, X, y, batch_size, lr, momentum, loss)
    model, *rest = _driver().setup(*(a.clone() if isinstance(a, torch.Tensor) else
                                     ({k: v.clone() for k, v in a.items()} if isinstance(a, dict) else a)
                                     for a in args))
    want_loss = _reference_epoch(model, *rest)
    want_params = {k: v.detach().clone() for k, v in model.state_dict().items()}
    n_batches = -(-n // batch_size)

    def check(result: Result) -> None:
        out = result.output
        modes = out["modes"]
        if not modes:
            raise Failure("the model was never called")
        if not all(modes):
            raise Failure("the model ran in eval mode: call model.train() before the loop")
        got = out["loss"]
        if out.get("returned_tensor"):
            raise Failure("returned a tensor: return the loss as a Python float (e.g. with loss.item())")
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise Failure(f"expected the loss as a float, got {type(got).__name__}")
        params = out["params"]
        if not isinstance(params, dict) or set(params) != set(want_params):
            raise Failure("internal: the driver returned no parameters")
        for key, want in want_params.items():
            close(params[key], want, what=f"{key} after the epoch", atol=tol, rtol=tol)
        close(got, want_loss, what="mean loss per sample", atol=tol or 1e-6, rtol=tol or 1e-5)

    case = Case(name=name, args=args, driver="epoch", check=check, cuda_tol=1e-3,
                description=f"{description}: {n} samples, batch_size {batch_size} ({n_batches} batches)")
    return case


def cases(device: str) -> list[Case]:
    # CPU: assert_close defaults on the parameters; CUDA: 1e-3 (different kernels, same maths).
    tol = None if device == "cpu" else 1e-3
    return [
        _case(tol, "short_last_batch_momentum", 1, 50, 5, 16, 3, 16, 0.1, 0.9, "cross_entropy",
              "cross-entropy, SGD momentum 0.9"),
        _case(tol, "last_batch_of_one", 2, 33, 4, 12, 3, 32, 0.2, 0.0, "cross_entropy",
              "a last batch of a single sample"),
        _case(tol, "exact_batches_plain_sgd", 3, 64, 6, 16, 4, 16, 0.05, 0.0, "cross_entropy",
              "batches divide the data evenly"),
        _case(tol, "mse_regression_short_last", 4, 37, 3, 10, 2, 8, 0.05, 0.5, "mse",
              "MSE regression with momentum"),
        _case(tol, "single_batch_bigger_than_data", 5, 20, 4, 8, 2, 64, 0.5, 0.0, "cross_entropy",
              "one batch holds the whole data set"),
        _case(tol, "batch_size_one", 6, 9, 3, 6, 3, 1, 0.1, 0.9, "cross_entropy", "one sample per step"),
    ]
