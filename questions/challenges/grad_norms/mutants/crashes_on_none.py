def grad_norms(model):
    return {n: p.grad.norm().item() for n, p in model.named_parameters()}
