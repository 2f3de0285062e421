"""Hidden tests for grad_norms: expected norms from the same build + backward run here on the CPU."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import torch

from drillcli.grader.api import Case, Failure, Result, seeded


def _driver():
    path = Path(__file__).with_name("driver.py")
    spec = importlib.util.spec_from_file_location("_grad_norms_driver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _case(name, spec, seed, x, y, loss_scale=1.0, rtol=1e-4) -> Case:
    model = _driver().build_and_backward(spec, seed, x.clone(), y.clone(), loss_scale)
    want = {n: p.grad.double().norm().item() for n, p in model.named_parameters() if p.grad is not None}
    # Some gradients are pure rounding noise (a conv bias right before BatchNorm is ~1e-8): judge every
    # norm to within a millionth of the model's largest one, on top of the relative tolerance.
    atol = 1e-6 * max(want.values(), default=0.0)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, dict) or "changed" not in out:
            raise Failure("internal: the driver returned no result")
        if out["changed"]:
            raise Failure(f"the gradients or parameters of {out['changed']} were changed; "
                          "grad_norms must only read them")
        got = out["norms"]
        if not isinstance(got, dict):
            raise Failure(f"expected a dict, got {type(got).__name__}")
        if out["tensors"]:
            raise Failure(f"the values must be Python floats, not tensors (use .item()): "
                          f"{out['tensors'][:3]} hold tensors")
        missing = [k for k in want if k not in got]
        extra = [k for k in got if k not in want]
        if missing:
            raise Failure(f"missing parameter name(s): {missing}")
        if extra:
            raise Failure(f"unexpected name(s) (no .grad, or not a parameter name): {extra}")
        for key, w in want.items():
            v = got[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise Failure(f"{key}: expected a float, got {type(v).__name__}")
            if not math.isfinite(v) or abs(v - w) > atol + rtol * abs(w):
                raise Failure(f"{key}: expected norm {w:.6g}, got {v:.6g}")

    return Case(name=name, args=(spec, seed, x, y), kwargs={"loss_scale": loss_scale}, driver="norms",
                check=check, cuda_tol=1e-3, description=f"model {spec!r}")


def cases(device: str) -> list[Case]:
    # On CUDA the backward pass itself may run convolutions in TF32: allow 5e-3 there.
    rtol = 1e-4 if device == "cpu" else 5e-3
    g = seeded(0)
    x6 = torch.randn(32, 6, generator=g)
    y3 = torch.randint(0, 3, (32,), generator=g)
    img = torch.randn(8, 1, 10, 10, generator=g)
    y_img = torch.randint(0, 3, (8,), generator=g)
    tokens = torch.randint(0, 40, (4, 12), generator=g)
    next_tokens = torch.randint(0, 40, (4, 12), generator=g)
    return [
        _case("mlp_frozen_bias_skipped", "mlp_frozen_bias", 1, x6, y3, rtol=rtol),
        _case("unused_layer_skipped", "unused_head", 2, x6, y3, rtol=rtol),
        _case("zero_grad_kept_as_zero", "gated_zero_grad", 3, x6, y3, rtol=rtol),
        _case("convnet_batchnorm_names", "convnet_batchnorm", 4, img, y_img, rtol=rtol),
        _case("tied_weights_once", "tied_lm", 5, tokens, next_tokens, rtol=rtol),
        _case("large_loss_scale", "unused_head", 6, x6 * 3, y3, loss_scale=1e4, rtol=rtol),
        _case("small_loss_scale", "mlp_frozen_bias", 7, x6, y3, loss_scale=1e-6, rtol=rtol),
    ]
