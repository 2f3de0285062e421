def adam_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    m = (b1 * m + (1 - b1) * grad) / (1 - b1**step)
    v = (b2 * v + (1 - b2) * grad**2) / (1 - b2**step)
    return param - lr * m / (v.sqrt() + eps), m, v
