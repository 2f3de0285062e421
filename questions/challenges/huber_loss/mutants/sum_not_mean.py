import torch


def huber_loss(pred, target, delta=1.0):
    d = (pred - target).abs()
    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).sum()
