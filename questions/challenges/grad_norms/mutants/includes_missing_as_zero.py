def grad_norms(model):
    return {n: (p.grad.norm().item() if p.grad is not None else 0.0) for n, p in model.named_parameters()}
