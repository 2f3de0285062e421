def grad_norms(model):
    out = {}
    for n, p in model.named_parameters():
        if p.grad is not None and p.grad.abs().sum() > 0:
            out[n] = p.grad.norm().item()
    return out
