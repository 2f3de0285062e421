import torch


def sgd_momentum_step(param: torch.Tensor, grad: torch.Tensor, buf: torch.Tensor | None, lr: float,
                      momentum: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One torch.optim.SGD step with momentum (no dampening, no Nesterov).

    buf is None on the first step. Returns (new_param, new_buf); grad must not change.
    """
    raise NotImplementedError
