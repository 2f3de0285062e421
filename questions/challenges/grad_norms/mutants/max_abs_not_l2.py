def grad_norms(model):
    return {n: p.grad.abs().max().item() for n, p in model.named_parameters() if p.grad is not None}
