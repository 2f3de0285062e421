def grad_norms(model):
    return {name: p.grad.norm() for name, p in model.named_parameters() if p.grad is not None}
