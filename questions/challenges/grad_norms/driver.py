"""Runs in the submission's process: builds a model, runs a loss backward (trusted), then calls grad_norms.

`build_and_backward` is also used by tests.py on the trusted side to compute the expected norms.
"""

import torch
import torch.nn.functional as F
from torch import nn


class UnusedHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(6, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh())
        self.classifier = nn.Linear(32, 3)
        self.aux_head = nn.Linear(32, 5)  # never used in forward: its .grad stays None

    def forward(self, x):
        return self.classifier(self.encoder(x))


class GatedOff(nn.Module):
    """`gate` gets a gradient of exact zeros (its output is multiplied by 0); `frozen` gets none."""

    def __init__(self):
        super().__init__()
        self.body = nn.Linear(6, 16)
        self.gate = nn.Linear(16, 3)
        self.frozen = nn.Linear(16, 3)
        self.frozen.requires_grad_(False)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        h = torch.relu(self.body(x))
        return self.out(h) + 0.0 * self.gate(h) + self.frozen(h)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        )
        self.fc = nn.Linear(8, 3)
        self.temperature = nn.Parameter(torch.ones(1), requires_grad=False)

    def forward(self, x):
        h = self.features(x).mean(dim=(2, 3))
        return self.fc(h) / self.temperature


class TiedLM(nn.Module):
    def __init__(self, vocab=40, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.proj = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, vocab, bias=False)
        self.out.weight = self.emb.weight
        self.unused_bias = nn.Parameter(torch.zeros(vocab))

    def forward(self, tokens):
        return self.out(torch.tanh(self.proj(self.emb(tokens))))


def _mlp_frozen_bias():
    model = nn.Sequential(nn.Linear(6, 24), nn.ReLU(), nn.Linear(24, 24), nn.ReLU(), nn.Linear(24, 3))
    model[2].bias.requires_grad_(False)
    return model


BUILDERS = {
    "mlp_frozen_bias": _mlp_frozen_bias,
    "unused_head": UnusedHead,
    "gated_zero_grad": GatedOff,
    "convnet_batchnorm": ConvNet,
    "tied_lm": TiedLM,
}


def build_and_backward(spec, seed, x, y, loss_scale=1.0):
    torch.manual_seed(seed)
    model = BUILDERS[spec]().to(x.device)
    model.train()
    logits = model(x)
    if logits.dim() == 3:
        logits = logits.reshape(-1, logits.shape[-1])
        y = y.reshape(-1)
    loss = F.cross_entropy(logits, y) * loss_scale
    loss.backward()
    return model


def norms(entry, spec, seed, x, y, loss_scale=1.0):
    from drillcli.grader.sandbox import trusted

    with trusted():
        model = build_and_backward(spec, seed, x, y, loss_scale)
        before = {n: (p.detach().clone(), None if p.grad is None else p.grad.detach().clone())
                  for n, p in model.named_parameters()}
    out = entry(model)
    with trusted():
        # the function only reads: the gradients and the parameters must be as they were
        changed = []
        for n, p in model.named_parameters():
            value, grad = before[n]
            same_grad = (p.grad is None) if grad is None else (
                p.grad is not None and p.grad.shape == grad.shape and torch.equal(p.grad.detach(), grad))
            if not same_grad or not torch.equal(p.detach(), value):
                changed.append(n)
    tensors = []
    if isinstance(out, dict):
        tensors = [k for k, v in out.items() if isinstance(v, torch.Tensor)]
        out = {
            k: (v.item() if isinstance(v, torch.Tensor) and v.numel() == 1 else v) for k, v in out.items()
        }
    return {"norms": out, "changed": changed, "tensors": tensors}
