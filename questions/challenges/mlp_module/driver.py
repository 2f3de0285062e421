"""Runs in the submission's process: builds the MLP and reports plain values."""

from __future__ import annotations

from torch import nn

from drillcli.grader.api import drive_module  # noqa: F401 - the shared driver of module_case


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
