import torch


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    # the original-paper candidate: tanh(W_in x + W_hn (r * h)), not PyTorch's r * (W_hn h + b_hn)
    hid = h.shape[1]
    w_hr, w_hz, w_hn = w_hh.split(hid, dim=0)
    gi = x @ w_ih.T
    if b_ih is not None:
        gi = gi + b_ih
    b_hr, b_hz, b_hn = b_hh.chunk(3) if b_hh is not None else (0, 0, 0)
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h @ w_hr.T + b_hr)
    z = torch.sigmoid(i_z + h @ w_hz.T + b_hz)
    n = torch.tanh(i_n + (r * h) @ w_hn.T + b_hn)
    return (1 - z) * n + z * h
