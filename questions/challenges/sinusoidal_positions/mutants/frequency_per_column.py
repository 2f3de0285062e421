import torch


def sinusoidal_positions(seq_len, d_model):
    # uses the column index j instead of 2*(j // 2): sin and cos of a pair get different frequencies
    pos = torch.arange(seq_len, dtype=torch.float32).unsqueeze(1)
    j = torch.arange(d_model, dtype=torch.float32)
    angles = pos / 10000 ** (j / d_model)
    pe = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles[:, 1::2])
    return pe
