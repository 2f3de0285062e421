"""Hidden tests for `moe_forward`: experts are small MLPs built in the submission's process that log
each call; the output is compared with a float64 reference and each expert must be called at most
once, on exactly the tokens routed to it (an expert nobody chose: not called, or on zero rows)."""

from __future__ import annotations

import torch

from drillcli.grader.api import SHOWN, Case, Failure, Result, close, describe, seeded


def _experts(g: torch.Generator, e: int, d: int, hidden: int) -> list[tuple[torch.Tensor, ...]]:
    return [(torch.randn(hidden, d, generator=g, dtype=torch.float64) / d ** 0.5,
             torch.randn(hidden, generator=g, dtype=torch.float64) * 0.1,
             torch.randn(d, hidden, generator=g, dtype=torch.float64) / hidden ** 0.5,
             torch.randn(d, generator=g, dtype=torch.float64) * 0.1) for _ in range(e)]


def _expert(h: torch.Tensor, w1: torch.Tensor, b1: torch.Tensor, w2: torch.Tensor, b2: torch.Tensor) -> torch.Tensor:
    return torch.relu(h @ w1.T + b1) @ w2.T + b2


def _reference(x, gate, weights, k):
    probs = (x @ gate.T).softmax(dim=-1)
    top, chosen = probs.topk(k, dim=-1)
    top = top / top.sum(dim=-1, keepdim=True)
    out = torch.zeros_like(x)
    for slot in range(k):
        for e, w in enumerate(weights):
            rows = chosen[:, slot] == e
            out[rows] += top[rows, slot, None] * _expert(x[rows], *w)
    return out, chosen


def _case(name: str, seed: int, n: int, d: int, e: int, k: int | None, *, dtype: torch.dtype = torch.float32,
          module_list: bool = True, positional: bool = False, unused_expert: bool = False) -> Case:
    g = seeded(seed)
    x = torch.randn(n, d, generator=g, dtype=torch.float64)
    gate = torch.randn(e, d, generator=g, dtype=torch.float64)
    if unused_expert:  # positive tokens and a negative router row: the last expert is never in the top k
        x = x.abs() + 0.1
        gate[-1] = -5.0
    weights = _experts(g, e, d, 2 * d)
    x, gate = x.to(dtype), gate.to(dtype)
    weights = [tuple(t.to(dtype) for t in w) for w in weights]
    kk = 2 if k is None else k
    out, chosen = _reference(x.double(), gate.double(), [tuple(t.double() for t in w) for w in weights], kk)
    routed = [int((chosen == i).sum()) for i in range(e)]
    tol = {"atol": 1e-5, "rtol": 1e-4} if dtype == torch.float32 else {}

    def check(result: Result) -> None:
        report = result.output
        if report["modified"]:
            changed = report["modified"]
            verb = "was" if len(changed) == 1 else "were"
            raise Failure(f"{' and '.join(changed)} {verb} modified in place; compute into a new tensor instead")
        close(report["output"], out.to(dtype), what="output", **tol)
        for i in range(e):
            calls = [rows for index, rows in report["calls"] if index == i]
            if len(calls) > 1:
                raise Failure(f"expert {i} was called {len(calls)} times (rows {calls}); call each expert "
                              "once, on all the tokens routed to it")
            got = calls[0] if calls else 0
            if got != routed[i]:
                raise Failure(f"expert {i} received {got} row(s); {routed[i]} token(s) are routed to it "
                              f"(each expert must run only on its own tokens)")

    stacked = tuple(torch.stack([w[j] for w in weights]) for j in range(4))
    container = "an nn.ModuleList" if module_list else "a list"
    how = "default" if k is None else ("by position" if positional else "by keyword")
    payload = {"x": x, "gate_weight": gate, "experts": stacked, "k": k, "module_list": module_list,
               "positional": positional,
               SHOWN: f"x {describe(x)}, gate_weight {describe(gate)}, {e} experts ({d} → {2 * d} → {d} MLPs) "
                      f"in {container}, k={kk} ({how})"}
    return Case(name, args=(payload,), driver="route", check=check, cuda_tol=1e-3,
                description=f"N={n}, D={d}, E={e}, k={k}, tokens per expert {routed}")


def cases(device: str) -> list[Case]:
    return [
        _case("top2_of_4", 1, 16, 8, 4, 2),
        _case("default_k_is_2", 2, 12, 8, 4, None),
        _case("top1_switch_routing", 3, 20, 8, 4, 1),
        _case("top2_of_8_more_tokens", 4, 64, 16, 8, 2),
        _case("k_positional_top3", 5, 24, 8, 6, 3, positional=True),
        _case("k_equals_E_every_expert", 6, 10, 8, 3, 3),
        _case("plain_list_of_experts", 7, 16, 8, 4, 2, module_list=False),
        _case("single_token", 8, 1, 8, 4, 2),
        _case("an_expert_nobody_chose", 9, 16, 8, 4, 2, unused_expert=True),
        _case("float64", 10, 16, 8, 4, 2, dtype=torch.float64),
    ]
