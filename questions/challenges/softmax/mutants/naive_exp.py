# expected verdict: wrong_answer (exp overflows for scores around 1e4: inf / inf gives NaN)
import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
