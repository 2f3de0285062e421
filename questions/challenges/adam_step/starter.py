import torch


def adam_step(param: torch.Tensor, grad: torch.Tensor, m: torch.Tensor, v: torch.Tensor, step: int,
              lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
              eps: float = 1e-8) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One torch.optim.Adam step. step counts from 1; m and v are zeros at step 1.

    Returns (new_param, new_m, new_v); grad must not change.
    """
    raise NotImplementedError
