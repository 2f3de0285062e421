"""Runs in the submission's process: builds a model from a spec name, returns the submission's count."""

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3)
        self.blocks = nn.ModuleList([Block(16) for _ in range(3)])
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(16, 10))


class TiedLM(nn.Module):
    def __init__(self, vocab=100, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.norm = nn.LayerNorm(dim)
        self.out = nn.Linear(dim, vocab)
        self.out.weight = self.emb.weight  # weight tying


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16))
        self.heads = nn.ModuleDict({"cls": nn.Linear(16, 3), "reg": nn.Linear(16, 1)})
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("step", torch.zeros((), dtype=torch.long))
        self.register_buffer("stats", torch.zeros(16))


def build(spec):
    if spec == "mlp":
        return nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 3))
    if spec == "cnn_batchnorm":
        return SmallCNN()
    if spec == "tied_embedding":
        return TiedLM()
    if spec == "tied_embedding_frozen":
        model = TiedLM()
        model.emb.weight.requires_grad_(False)
        return model
    if spec == "reused_layer":
        shared = nn.Linear(32, 32)
        return nn.Sequential(shared, nn.ReLU(), shared, nn.ReLU(), shared, nn.Linear(32, 4))
    if spec == "frozen_backbone":
        model = Heads()
        for p in model.backbone.parameters():
            p.requires_grad_(False)
        return model
    if spec == "heads_buffers":
        return Heads()
    if spec == "lstm_bidirectional":
        return nn.LSTM(12, 24, num_layers=2, bidirectional=True)
    if spec == "no_parameters":
        return nn.Sequential(nn.ReLU(), nn.Flatten(), nn.Dropout(0.1))
    if spec == "all_frozen":
        model = nn.Sequential(nn.Linear(6, 6), nn.Linear(6, 2))
        model.requires_grad_(False)
        return model
    raise ValueError(f"unknown model spec {spec!r}")


def count(entry, spec, trainable_only=None):
    model = build(spec)
    out = entry(model) if trainable_only is None else entry(model, trainable_only=trainable_only)
    if isinstance(out, torch.Tensor) and out.numel() == 1:
        out = out.item()
    return out
