import torch


def adam_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    p = torch.nn.Parameter(param.detach().clone())
    p.grad = grad.clone()
    opt = torch.optim.Adam([p], lr=lr, betas=betas, eps=eps)
    opt.state[p] = {"step": torch.tensor(float(step - 1)), "exp_avg": m.clone(), "exp_avg_sq": v.clone()}
    opt.step()
    return p.detach(), opt.state[p]["exp_avg"], opt.state[p]["exp_avg_sq"]
