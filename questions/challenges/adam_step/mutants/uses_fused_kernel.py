import torch


def adam_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    param, m, v = param.clone(), m.clone(), v.clone()
    steps = [torch.tensor(float(step))]
    torch._fused_adam_([param], [grad], [m], [v], [], steps, lr=lr, beta1=betas[0], beta2=betas[1],
                       weight_decay=0.0, eps=eps, amsgrad=False, maximize=False)
    return param, m, v
