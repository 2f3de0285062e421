from torch import nn


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """[{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}].

    decay: trainable parameters with >= 2 dims; no_decay: the other trainable ones; frozen ones in neither.
    """
    raise NotImplementedError
