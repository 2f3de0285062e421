"""Runs in the submission's process: a few steps of a training loop that reuses one grad tensor."""

from __future__ import annotations

import torch


def loop(entry, param, grads, lr, momentum):
    grad = torch.zeros_like(param)
    buf = None
    params = []
    for g in grads:
        grad.zero_()          # as optimizer.zero_grad(set_to_none=False)
        grad.add_(g)          # as backward() accumulating into .grad
        param, buf = entry(param, grad, buf, lr, momentum)
        params.append(param.detach().clone())
    return {"params": params, "buf": buf.detach().clone()}
