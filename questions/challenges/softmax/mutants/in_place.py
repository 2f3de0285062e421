import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    x.sub_(x.amax(dim=dim, keepdim=True))
    exps = x.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
