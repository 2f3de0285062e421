def sgd_momentum_step(param, grad, buf, lr, momentum):
    if buf is None:
        buf = grad  # no copy: the buffer is the gradient tensor itself
    else:
        buf.mul_(momentum).add_(grad)
    param.sub_(lr * buf)
    return param, buf
