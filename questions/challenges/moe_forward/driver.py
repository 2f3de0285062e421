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


def route(entry, payload):
    """Expert i has weights w1[i], b1[i], w2[i], b2[i] (payload["experts"], stacked along dim 0)."""
    x, gate_weight, k = payload["x"], payload["gate_weight"], payload["k"]
    w1, b1, w2, b2 = payload["experts"]
    module_list, positional = payload["module_list"], payload["positional"]
    log = []
    with trusted():
        experts = [_Expert(i, w1[i], b1[i], w2[i], b2[i], log) for i in range(w1.shape[0])]
        container = nn.ModuleList(experts) if module_list else experts
        before = {"x": x.detach().clone(), "gate_weight": gate_weight.detach().clone()}
    if k is None:
        out = entry(x, gate_weight, container)
    elif positional:
        out = entry(x, gate_weight, container, k)
    else:
        out = entry(x, gate_weight, container, k=k)
    with trusted():
        after = {"x": x, "gate_weight": gate_weight}
        changed = [name for name, t in after.items() if not torch.equal(t.detach(), before[name])]
    return {"output": out, "calls": log, "modified": changed}
