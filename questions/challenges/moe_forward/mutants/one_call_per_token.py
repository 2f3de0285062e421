import torch


def moe_forward(x, gate_weight, experts, k=2):
    probs = (x @ gate_weight.T).softmax(dim=-1)
    weights, chosen = probs.topk(k, dim=-1)
    weights = weights / weights.sum(dim=-1, keepdim=True)
    rows = []
    for i in range(x.shape[0]):
        rows.append(sum(weights[i, s] * experts[int(chosen[i, s])](x[i:i + 1])[0] for s in range(k)))
    return torch.stack(rows)
