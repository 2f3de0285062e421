import math  # noqa: F401 - handy for the scale factor

import torch


def sinusoidal_positions(seq_len: int, d_model: int) -> torch.Tensor:
    """Transformer positional encoding, (seq_len, d_model), float32.

    PE[pos, 2i] = sin(pos / 10000^(2i/d_model)); PE[pos, 2i+1] = cos(pos / 10000^(2i/d_model)).
    """
    raise NotImplementedError
