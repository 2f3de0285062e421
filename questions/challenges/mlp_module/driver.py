"""Runs in the submission's process: builds the MLP and reports plain values."""

from __future__ import annotations

import torch
from torch import nn


def _layer_info(model, name):
    layer = getattr(model, name, None)
    if layer is None:
        return {"present": False}
    info = {"present": True, "type": type(layer).__name__, "is_linear": isinstance(layer, nn.Linear)}
    if isinstance(layer, nn.Linear):
        info["weight_shape"] = list(layer.weight.shape)
        info["has_bias"] = layer.bias is not None
    return info


def structure(entry, in_features, hidden, out_features):
    model = entry(in_features, hidden, out_features)
    return {
        "is_module": isinstance(model, nn.Module),
        "fc1": _layer_info(model, "fc1"),
        "fc2": _layer_info(model, "fc2"),
        "param_shapes": sorted([list(p.shape) for p in model.parameters()]) if isinstance(model, nn.Module) else [],
    }


def _build_loaded(entry, in_features, hidden, out_features, w1, b1, w2, b2):
    model = entry(in_features, hidden, out_features)
    for name in ("fc1", "fc2"):
        layer = getattr(model, name, None)
        if layer is None:
            return None, f"the module has no attribute `{name}`"
        if not isinstance(layer, nn.Linear) or layer.bias is None:
            return None, f"`{name}` is not an nn.Linear with bias (got {type(layer).__name__})"
    if list(model.fc1.weight.shape) != list(w1.shape) or list(model.fc2.weight.shape) != list(w2.shape):
        return None, (f"layer shapes: fc1.weight {list(model.fc1.weight.shape)}, fc2.weight "
                      f"{list(model.fc2.weight.shape)}; expected {list(w1.shape)} and {list(w2.shape)}")
    model = model.to(device=w1.device, dtype=w1.dtype)
    with torch.no_grad():
        model.fc1.weight.copy_(w1)
        model.fc1.bias.copy_(b1)
        model.fc2.weight.copy_(w2)
        model.fc2.bias.copy_(b2)
    return model, None


def forward(entry, in_features, hidden, out_features, w1, b1, w2, b2, x):
    model, problem = _build_loaded(entry, in_features, hidden, out_features, w1, b1, w2, b2)
    if problem:
        return {"problem": problem}
    with torch.no_grad():
        out = model(x)
    return {"output": out}


def gradients(entry, in_features, hidden, out_features, w1, b1, w2, b2, x, grad_out):
    model, problem = _build_loaded(entry, in_features, hidden, out_features, w1, b1, w2, b2)
    if problem:
        return {"problem": problem}
    model.zero_grad(set_to_none=True)
    out = model(x)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return {"problem": "the output is not connected to the autograd graph"}
    out.backward(grad_out)
    grads = {}
    for name, p in (("fc1.weight", model.fc1.weight), ("fc1.bias", model.fc1.bias),
                    ("fc2.weight", model.fc2.weight), ("fc2.bias", model.fc2.bias)):
        grads[name] = None if p.grad is None else p.grad.detach().clone()
    return {"grads": grads}
