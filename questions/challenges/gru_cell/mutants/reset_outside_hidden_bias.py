import torch


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = x @ w_ih.T
    gh = h @ w_hh.T
    if b_ih is not None:
        gi = gi + b_ih
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    if b_hh is not None:
        b_r, b_z, b_n = b_hh.chunk(3)
        h_r, h_z = h_r + b_r, h_z + b_z
    else:
        b_n = 0
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n + b_n)  # PyTorch puts b_hn inside the reset product
    return (1 - z) * n + z * h
