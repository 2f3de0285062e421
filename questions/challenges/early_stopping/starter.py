class EarlyStopping:
    """Stop when `patience` consecutive steps brought no improvement of at least `min_delta`."""

    def __init__(self, patience: int, min_delta: float = 0.0) -> None:
        raise NotImplementedError

    def step(self, val_loss: float) -> bool:
        """Record one epoch's validation loss; return True when training should stop."""
        raise NotImplementedError
