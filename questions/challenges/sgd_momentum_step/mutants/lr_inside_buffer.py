def sgd_momentum_step(param, grad, buf, lr, momentum):
    new_buf = lr * grad if buf is None else momentum * buf + lr * grad
    return param - new_buf, new_buf
