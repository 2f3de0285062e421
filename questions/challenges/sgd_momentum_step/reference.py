import torch


def sgd_momentum_step(param, grad, buf, lr, momentum):
    if buf is None:
        new_buf = grad.clone()
    else:
        new_buf = momentum * buf + grad
    return param - lr * new_buf, new_buf
