"""Runs in the submission's process: evaluates the schedule at many steps, returns plain numbers."""

from __future__ import annotations

import torch


def _plain(value):
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return f"<{type(value).__name__}>"


def sweep(entry, steps, total_steps, warmup_steps, base_lr, min_lr=None, min_lr_as="omitted"):
    out = []
    for step in steps:
        if min_lr_as == "keyword":
            value = entry(step, total_steps, warmup_steps, base_lr, min_lr=min_lr)
        elif min_lr_as == "positional":
            value = entry(step, total_steps, warmup_steps, base_lr, min_lr)
        else:
            value = entry(step, total_steps, warmup_steps, base_lr)
        out.append(_plain(value))
    return out
