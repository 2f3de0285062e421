import torch


def moe_forward(x, gate_weight, experts, k=2):
    probs = (x @ gate_weight.T).softmax(dim=-1)
    weights, chosen = probs.topk(k, dim=-1)
    weights = weights / weights.sum(dim=-1, keepdim=True)
    out = torch.zeros_like(x)
    for slot in range(k):
        for e, expert in enumerate(experts):
            rows = (chosen[:, slot] == e).nonzero(as_tuple=True)[0]
            if rows.numel():
                out = out.index_add(0, rows, weights[rows, slot, None] * expert(x[rows]))
    return out
