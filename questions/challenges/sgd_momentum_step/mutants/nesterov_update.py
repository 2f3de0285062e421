def sgd_momentum_step(param, grad, buf, lr, momentum):
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * (grad + momentum * new_buf), new_buf
