"""Runs in the submission's process: builds E small experts that record every call (rows received),
hands them to moe_forward, and reports the output and the calls."""

import torch
import torch.nn.functional as F
from torch import nn

from drillcli.grader.sandbox import trusted


class _Expert(nn.Module):
    def __init__(self, index, w1, b1, w2, b2, log):
        super().__init__()
        self.index = index
        self.w1, self.b1, self.w2, self.b2 = (nn.Parameter(t) for t in (w1, b1, w2, b2))
        self.log = log

    def forward(self, h):
        with trusted():
            rows = int(h.shape[0]) if h.dim() > 1 else 1
            self.log.append([self.index, rows])
            return F.linear(torch.relu(F.linear(h, self.w1, self.b1)), self.w2, self.b2)


def route(entry, x, gate_weight, w1, b1, w2, b2, k=None, module_list=True, positional=False):
    """Expert i has weights w1[i], b1[i], w2[i], b2[i] (stacked along dim 0)."""
    log = []
    with trusted():
        experts = [_Expert(i, w1[i], b1[i], w2[i], b2[i], log) for i in range(w1.shape[0])]
        container = nn.ModuleList(experts) if module_list else experts
    if k is None:
        out = entry(x, gate_weight, container)
    elif positional:
        out = entry(x, gate_weight, container, k)
    else:
        out = entry(x, gate_weight, container, k=k)
    return {"output": out, "calls": log}
