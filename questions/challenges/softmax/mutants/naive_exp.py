import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
