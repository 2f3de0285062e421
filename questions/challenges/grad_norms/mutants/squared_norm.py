def grad_norms(model):
    return {n: (p.grad ** 2).sum().item() for n, p in model.named_parameters() if p.grad is not None}
