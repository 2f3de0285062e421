"""Hidden tests for `top_k_top_p_filter`: exact comparison (kept logits unchanged, the rest -inf).

Inputs have no ties in a row, and each test's logits are drawn until every cumulative probability
(over the tokens top-k keeps) lies at least 1e-4 from top_p, so float rounding cannot decide a token.
"""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded, tensor_case

MARGIN = 1e-4


def _filter(logits: torch.Tensor, top_k: int = 0, top_p: float = 1.0) -> torch.Tensor:
    out = logits.clone()
    if 0 < top_k < out.shape[-1]:
        kth = out.topk(top_k, dim=-1).values[..., -1:]
        out = out.masked_fill(out < kth, float("-inf"))
    if top_p < 1.0:
        sorted_logits, order = out.sort(dim=-1, descending=True)
        probs = sorted_logits.softmax(dim=-1)
        before = probs.cumsum(dim=-1) - probs
        remove_sorted = before >= top_p
        out = out.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
    return out


def _safe(logits: torch.Tensor, top_k: int, top_p: float) -> bool:
    x = logits.to(torch.float64)
    if any(len(set(row.tolist())) < row.numel() for row in x):
        return False  # a tie in a row
    if top_p >= 1.0:
        return True
    kept = _filter(x, top_k) if top_k > 0 else x
    probs = kept.softmax(-1).sort(dim=-1, descending=True).values
    return bool(((probs.cumsum(-1) - top_p).abs() >= MARGIN).all())


def _logits(seed: int, b: int, v: int, scale: float, top_k: int, top_p: float,
            dtype: torch.dtype) -> torch.Tensor:
    for attempt in range(1000):
        g = seeded(seed * 1000 + attempt)
        logits = (torch.randn(b, v, generator=g, dtype=torch.float64) * scale).to(dtype)
        if _safe(logits, top_k, top_p):
            return logits
    raise RuntimeError("no safe logits found")  # never: margins this small are almost always met


def _case(name: str, seed: int, b: int, v: int, *, top_k: int | None = None, top_p: float | None = None,
          scale: float = 2.0, positional: bool = False, dtype: torch.dtype = torch.float32) -> Case:
    k, p = top_k or 0, 1.0 if top_p is None else top_p
    logits = _logits(seed, b, v, scale, k, p, dtype)
    if positional:
        args: tuple = (logits, k, p)
        kwargs: dict = {}
    else:
        args = (logits,)
        kwargs = {key: val for key, val in (("top_k", top_k), ("top_p", top_p)) if val is not None}
    return tensor_case(name, _filter, args, kwargs, precise=False, atol=0.0, rtol=0.0,
                       description=f"B={b}, V={v}, top_k={top_k}, top_p={top_p}")


def cases(device: str) -> list[Case]:
    worked = torch.tensor([[2.0, 1.0, 0.5, -1.0, 3.0]])
    return [
        tensor_case("worked_example", _filter, (worked,), {"top_k": 3, "top_p": 0.8}, precise=False,
                    atol=0.0, rtol=0.0),
        _case("defaults_keep_everything", 1, 3, 10),
        _case("top_k_only", 2, 4, 20, top_k=5),
        _case("top_k_one_is_greedy", 3, 3, 12, top_k=1),
        _case("top_k_equal_to_vocab_keeps_all", 4, 2, 8, top_k=8),
        _case("top_k_above_vocab_keeps_all", 5, 2, 8, top_k=50),
        _case("top_p_only_0.9", 6, 4, 32, top_p=0.9),
        _case("top_p_small_keeps_at_least_the_top_token", 7, 4, 16, top_p=0.05, scale=0.5),
        _case("top_p_confident_rows", 8, 3, 16, top_p=0.5, scale=4.0),
        _case("top_k_then_top_p_renormalised", 9, 4, 24, top_k=6, top_p=0.7),
        _case("top_k_then_top_p_flat_distribution", 13, 4, 64, top_k=5, top_p=0.5, scale=0.7),
        _case("both_positional", 10, 2, 24, top_k=10, top_p=0.85, positional=True),
        _case("large_vocab", 11, 2, 5000, top_k=200, top_p=0.9),
        _case("float64", 12, 3, 20, top_k=7, top_p=0.6, dtype=torch.float64),
    ]
