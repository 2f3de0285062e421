import torch


def sgd_momentum_step(param, grad, buf, lr, momentum):
    param = param.clone()
    first = buf is None
    buf = grad.clone() if first else buf.clone()
    torch._fused_sgd_([param], [grad], [] if first else [buf], weight_decay=0.0, momentum=momentum,
                      lr=lr, dampening=0.0, nesterov=False, maximize=False, is_first_step=first)
    return param, buf
