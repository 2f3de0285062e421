import torch.nn.functional as F


def huber_loss(pred, target, delta=1.0):
    return delta * F.smooth_l1_loss(pred, target, beta=delta)
