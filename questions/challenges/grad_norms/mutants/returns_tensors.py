# expected verdict: wrong_answer (the norms are 0-dim tensors, not Python floats)
def grad_norms(model):
    return {name: p.grad.norm() for name, p in model.named_parameters() if p.grad is not None}
