def sgd_momentum_step(param, grad, buf, lr, momentum):
    # exponential moving average instead of PyTorch's momentum buffer
    new_buf = grad.clone() if buf is None else momentum * buf + (1 - momentum) * grad
    return param - lr * new_buf, new_buf
