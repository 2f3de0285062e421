"""Runs in the submission's process."""

import torch

from drillcli.grader.api import drive_raises  # noqa: F401 - the shared driver of raises_case


def twice(entry, x, *args, **kwargs):
    """Two calls on the same input: their draws must differ."""
    first = entry(x, *args, **kwargs)
    second = entry(x, *args, **kwargs)
    return [first, second]


def many(entry, x, p, calls):
    """`calls` calls on one small batch, their results stacked (or the first result that is not a
    tensor of x's shape, to be reported)."""
    outputs = [entry(x, p) for _ in range(calls)]
    for out in outputs:
        if not isinstance(out, torch.Tensor) or out.shape != x.shape:
            return out
    return torch.stack([out.detach() for out in outputs])
