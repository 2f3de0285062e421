"""Runs in the submission's process: a short AdamW loop that feeds the returned moments back in."""

from __future__ import annotations

import torch


def loop(entry, param, grads, lr, betas, eps, weight_decay):
    grad = torch.zeros_like(param)
    m = torch.zeros_like(param)
    v = torch.zeros_like(param)
    params = []
    for step, g in enumerate(grads, start=1):
        grad.zero_()
        grad.add_(g)
        param, m, v = entry(param, grad, m, v, step, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        params.append(param.detach().clone())
    return {"params": params, "m": m.detach().clone(), "v": v.detach().clone()}
