import torch


def lstm_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None,
    b_hh: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of nn.LSTMCell with the given parameters.

    x: (B, input_size); h, c: (B, hidden_size).
    w_ih: (4*hidden, input_size); w_hh: (4*hidden, hidden); b_ih, b_hh: (4*hidden,) or None.
    Gate order along dim 0 of the weights: i, f, g, o.
    Returns (h_next, c_next), each (B, hidden_size).
    """
    raise NotImplementedError
