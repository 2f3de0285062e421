"""Runs in the submission's process: the shared driver of chain_case (each call gets the last cache),
with a copy of each call's result taken as it returns. A later call that changes a cache it was given
is then reported at that call, not as a wrong result of the earlier call that returned the cache."""

import torch

from drillcli.grader.api import drive_chain as _drive_chain
from drillcli.grader.sandbox import trusted


def _copy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def drive_chain(entry, payload):
    copies = []

    def call(*args, **kwargs):
        result = entry(*args, **kwargs)
        with trusted():
            copies.append(_copy(result))
        return result

    outputs = _drive_chain(call, payload)
    for i, out in enumerate(outputs):
        if i < len(copies) and out is not None and not (isinstance(out, dict) and "error" in out):
            outputs[i] = copies[i]
    return outputs
