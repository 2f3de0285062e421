"""Runs in the submission's process: initializes a tensor (optionally as an nn.Parameter) in place."""

from torch import nn


def init(entry, tensor, as_parameter=False):
    target = nn.Parameter(tensor) if as_parameter else tensor
    out = entry(target)
    return {
        "same_object": out is target,
        "values": target.detach().clone(),
        "is_parameter": isinstance(target, nn.Parameter),
        "requires_grad": bool(target.requires_grad),
    }
