import numpy as np
import torch


def sinusoidal_positions(seq_len, d_model):
    pos = np.arange(seq_len)[:, None]
    freq = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((seq_len, d_model))
    pe[:, 0::2] = np.sin(pos * freq)
    pe[:, 1::2] = np.cos(pos * freq)
    return torch.from_numpy(pe)  # float64, not float32
