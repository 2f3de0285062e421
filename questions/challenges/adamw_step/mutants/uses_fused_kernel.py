import torch


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    p, m, v = param.clone(), m.clone(), v.clone()
    steps = torch.tensor(float(step))
    torch._fused_adamw_([p], [grad.clone()], [m], [v], [], [steps], lr=lr, beta1=betas[0], beta2=betas[1],
                        weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
    return p, m, v
