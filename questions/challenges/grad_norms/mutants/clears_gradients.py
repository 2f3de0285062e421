def grad_norms(model):
    norms = {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}
    model.zero_grad()
    return norms
