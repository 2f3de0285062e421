"""Hidden tests for `TransformerBlock`: state_dict names checked, random weights (layer-norm weights
and biases too, so ln1/ln2 and pre/post-LN differ) loaded by name, outputs and every parameter's
gradient compared with a float64 reference."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, module_case, seeded

TOL = {"atol": 1e-5, "rtol": 1e-4}


def _state(seed: int, d: int, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    g = seeded(seed)

    def rand(*shape: int, scale: float = 1.0, shift: float = 0.0) -> torch.Tensor:
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale + shift).to(dtype)

    return {
        "ln1.weight": rand(d, scale=0.3, shift=1.0), "ln1.bias": rand(d, scale=0.3),
        "qkv.weight": rand(3 * d, d, scale=d ** -0.5), "qkv.bias": rand(3 * d, scale=0.2),
        "proj.weight": rand(d, d, scale=d ** -0.5), "proj.bias": rand(d, scale=0.2),
        "ln2.weight": rand(d, scale=0.3, shift=1.0), "ln2.bias": rand(d, scale=0.3),
        "fc1.weight": rand(4 * d, d, scale=d ** -0.5), "fc1.bias": rand(4 * d, scale=0.2),
        "fc2.weight": rand(d, 4 * d, scale=(4 * d) ** -0.5), "fc2.bias": rand(d, scale=0.2),
    }


def _block(n_heads: int):
    def forward(s: dict[str, torch.Tensor], x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        b, length, d = x.shape
        dh = d // n_heads
        a = F.layer_norm(x, (d,), s["ln1.weight"], s["ln1.bias"])
        q, k, v = F.linear(a, s["qkv.weight"], s["qkv.bias"]).split(d, dim=-1)
        q, k, v = (t.view(b, length, n_heads, dh).transpose(1, 2) for t in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
        if causal:
            scores = scores.masked_fill(torch.ones(length, length, dtype=torch.bool).triu(1), float("-inf"))
        heads = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, length, d)
        h = x + F.linear(heads, s["proj.weight"], s["proj.bias"])
        m = F.linear(F.layer_norm(h, (d,), s["ln2.weight"], s["ln2.bias"]), s["fc1.weight"], s["fc1.bias"])
        return h + F.linear(F.gelu(m), s["fc2.weight"], s["fc2.bias"])

    return forward


def _case(name: str, seed: int, b: int, length: int, d: int, heads: int, *, causal: bool | None = None,
          positional: bool = False, dtype: torch.dtype = torch.float32, grads: bool = False) -> Case:
    state = _state(seed, d, dtype)
    x = (torch.randn(b, length, d, generator=seeded(seed + 500), dtype=torch.float64) * 1.5).to(dtype)
    inputs: tuple = (x,)
    input_kwargs: dict = {}
    if causal is not None:
        if positional:
            inputs = (x, causal)
        else:
            input_kwargs = {"causal": causal}
    tol = TOL if dtype == torch.float32 else {}
    return module_case(name, (d, heads), state, inputs, _block(heads), input_kwargs=input_kwargs,
                       grads=grads, seed=seed, cuda_tol=1e-3, **tol,
                       description=f"d_model={d}, n_heads={heads}, B={b}, L={length}, causal={causal}")


def cases(device: str) -> list[Case]:
    return [
        _case("two_heads_default_not_causal", 1, 2, 5, 8, 2),
        _case("one_head", 2, 1, 4, 8, 1, causal=False),
        _case("four_heads_causal", 3, 2, 7, 16, 4, causal=True),
        _case("causal_positional", 4, 3, 6, 12, 3, causal=True, positional=True),
        _case("eight_heads_of_two", 5, 1, 5, 16, 8, causal=True),
        _case("length_one", 6, 2, 1, 8, 2, causal=True),
        _case("wider_model", 7, 2, 9, 32, 4),
        _case("float64", 8, 2, 6, 16, 4, causal=True, dtype=torch.float64),
        _case("gradients_every_parameter", 9, 2, 5, 8, 2, causal=True, dtype=torch.float64, grads=True),
    ]
