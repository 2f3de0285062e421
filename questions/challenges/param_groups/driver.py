"""Runs in the submission's process: builds a model from a spec name and describes the groups returned,
naming each parameter by its name in model.named_parameters() (matched by identity)."""

import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim, bias=False)


class TinyTransformer(nn.Module):
    """Embedding and a 3-D positional table (decay), LayerNorms, a 0-dim temperature (no decay)."""

    def __init__(self, vocab=50, length=8, dim=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.zeros(1, length, dim))
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.ln_f = nn.LayerNorm(dim)
        self.logit_scale = nn.Parameter(torch.tensor(2.0))
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.tok.weight  # tied: one parameter, two modules


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 10)


class Registered(nn.Module):
    """Registration order differs from name order: z..., then a..., then m..."""

    def __init__(self):
        super().__init__()
        self.zeta = nn.Linear(4, 4)
        self.alpha_scale = nn.Parameter(torch.ones(4))
        self.alpha = nn.Linear(4, 3)
        self.middle = nn.Sequential(nn.LayerNorm(3), nn.Linear(3, 2))
        self.beta = nn.Parameter(torch.zeros(2, 2))


class FrozenBackbone(nn.Module):
    """A frozen backbone (and a frozen bias in the head) with a trainable head that shares nothing."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(6, 12), nn.LayerNorm(12), nn.Linear(12, 12))
        self.backbone.requires_grad_(False)
        self.adapter = nn.Linear(12, 12)
        self.norm = nn.LayerNorm(12)
        self.head = nn.Linear(12, 3)
        self.head.bias.requires_grad_(False)


def build(spec):
    if spec == "mlp_layernorm":
        return nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 2))
    if spec == "convnet_batchnorm":
        return ConvNet()
    if spec == "tiny_transformer":
        return TinyTransformer()
    if spec == "registration_order":
        return Registered()
    if spec == "frozen_backbone":
        return FrozenBackbone()
    if spec == "embedding_bag":
        return nn.Sequential(nn.Embedding(20, 6), nn.LayerNorm(6), nn.Linear(6, 2))
    if spec == "reused_layer":
        shared = nn.Linear(5, 5)
        return nn.Sequential(shared, nn.ReLU(), shared, nn.LayerNorm(5), shared)
    if spec == "all_frozen":
        return nn.Sequential(nn.Linear(3, 3), nn.LayerNorm(3)).requires_grad_(False)
    if spec == "no_parameters":
        return nn.Sequential(nn.ReLU(), nn.Dropout(0.1))
    raise ValueError(f"unknown model spec {spec!r}")


def _describe_params(params, names):
    if not isinstance(params, list):
        return {"type": type(params).__name__}
    out = []
    for p in params:
        if id(p) in names:
            out.append(names[id(p)])
        elif isinstance(p, torch.Tensor):
            out.append("<a tensor that is not one of the model's Parameter objects>")
        else:
            out.append(f"<a {type(p).__name__}>")
    return {"type": "list", "names": out}


def describe(entry, spec, *args, **kwargs):
    """`entry(model, *args, **kwargs)` for the model named `spec` (weight_decay by position or keyword)."""
    model = build(spec)
    names = {id(p): name for name, p in model.named_parameters()}
    groups = entry(model, *args, **kwargs)
    if not isinstance(groups, list):
        return {"type": type(groups).__name__}
    described = []
    for group in groups:
        if not isinstance(group, dict):
            described.append({"type": type(group).__name__})
            continue
        wd = group.get("weight_decay")
        described.append({
            "type": "dict",
            "keys": sorted(str(k) for k in group),
            "weight_decay": wd if isinstance(wd, (int, float)) else repr(wd),
            "params": _describe_params(group.get("params"), names),
        })
    return {"type": "list", "groups": described}
