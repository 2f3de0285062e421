import torch


def sgd_momentum_step(param, grad, buf, lr, momentum):
    p = torch.nn.Parameter(param.detach().clone())
    p.grad = grad.clone()
    opt = torch.optim.SGD([p], lr=lr, momentum=momentum)
    if buf is not None:
        opt.state[p]["momentum_buffer"] = buf.clone()
    opt.step()
    return p.detach(), opt.state[p]["momentum_buffer"]
