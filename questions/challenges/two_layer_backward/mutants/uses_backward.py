import torch


def two_layer_backward(x, w1, b1, w2, b2, grad_out):
    ts = [t.detach().clone().requires_grad_(True) for t in (x, w1, b1, w2, b2)]
    y = torch.relu(ts[0] @ ts[1].T + ts[2]) @ ts[3].T + ts[4]
    y.backward(grad_out)
    return tuple(t.grad for t in ts)
