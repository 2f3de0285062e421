def linear_backward(x, weight, grad_out):
    return grad_out @ weight, grad_out.T @ x, grad_out.mean(dim=0)
