import torch


def gru_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None,
    b_hh: torch.Tensor | None,
) -> torch.Tensor:
    """One step of nn.GRUCell with the given parameters.

    x: (B, input_size); h: (B, hidden_size).
    w_ih: (3*hidden, input_size); w_hh: (3*hidden, hidden); b_ih, b_hh: (3*hidden,) or None.
    Gate order along dim 0 of the weights: r, z, n.
    Returns h_next, (B, hidden_size).
    """
    raise NotImplementedError
