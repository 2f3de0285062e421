from torch import nn


def grad_norms(model: nn.Module) -> dict[str, float]:
    return {
        name: p.grad.detach().norm().item()
        for name, p in model.named_parameters()
        if p.grad is not None
    }
