"""Hidden tests for sinusoidal_positions: the table is computed in float64, then cast to float32;
atol 1e-4 (the contract's tolerance for float32, even d_model only)."""


import torch

from drillcli.grader.api import Case

ATOL = 1e-4


def _table(seq_len, d_model):
    pos = torch.arange(seq_len, dtype=torch.float64).unsqueeze(1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    angles = pos / torch.pow(torch.tensor(10000.0, dtype=torch.float64), two_i / d_model)
    pe = torch.empty(seq_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe.to(torch.float32)


def _case(name, seq_len, d_model, keyword=False):
    if keyword:
        return Case(name, kwargs={"seq_len": seq_len, "d_model": d_model},
                    expected=_table(seq_len, d_model), atol=ATOL, rtol=0.0)
    return Case(name, args=(seq_len, d_model), expected=_table(seq_len, d_model), atol=ATOL, rtol=0.0)


def cases(device: str) -> list[Case]:
    return [
        _case("single_position_d2", 1, 2),
        _case("single_position_d8", 1, 8),
        _case("seq4_d6_small", 4, 6),
        _case("seq10_d16", 10, 16),
        _case("seq50_d64_keywords", 50, 64, keyword=True),
        _case("seq128_d512", 128, 512),
        _case("seq200_d32", 200, 32),
        _case("seq7_d2_lowest_frequency_only", 7, 2),
    ]
