import torch


def adamw_step(param: torch.Tensor, grad: torch.Tensor, m: torch.Tensor, v: torch.Tensor, step: int,
               lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 1e-2) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One torch.optim.AdamW step: decay param by (1 - lr·wd), then Adam. step counts from 1.

    Returns (new_param, new_m, new_v); grad must not change.
    """
    raise NotImplementedError
