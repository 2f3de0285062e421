import torch


def huber_loss(pred, target, delta=1.0):
    d = (pred - target).abs()
    return torch.where(d <= 1.0, 0.5 * d**2, d - 0.5).mean()
