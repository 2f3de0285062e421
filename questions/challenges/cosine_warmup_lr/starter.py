import math


def cosine_warmup_lr(step: int, total_steps: int, warmup_steps: int, base_lr: float, min_lr: float = 0.0) -> float:
    """Learning rate at `step` (from 0): linear warmup to base_lr, then cosine decay to min_lr."""
    raise NotImplementedError
