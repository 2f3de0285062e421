import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    x = x.float()
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
