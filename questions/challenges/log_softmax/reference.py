import torch


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    m = x.amax(dim=dim, keepdim=True).detach()
    shifted = x - m
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
