import torch


def sinusoidal_positions(seq_len, d_model):
    # concatenates all sines then all cosines instead of interleaving them
    pos = torch.arange(seq_len, dtype=torch.float32).unsqueeze(1)
    freq = 1.0 / 10000 ** (torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)
    angles = pos * freq
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
