import torch


def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of sigmoid(logits) against targets in [0, 1].

    logits, targets: same shape and dtype. Returns a 0-dim tensor, dtype of logits.
    """
    raise NotImplementedError
