import torch


def moe_forward(x, gate_weight, experts, k=2):
    probs = (x @ gate_weight.T).softmax(dim=-1)
    weights, chosen = probs.topk(k, dim=-1)
    weights = weights / weights.sum(dim=-1, keepdim=True)
    dense = torch.zeros_like(probs).scatter(-1, chosen, weights)  # (N, E), zero where not chosen
    outputs = torch.stack([expert(x) for expert in experts], dim=1)  # every expert on every token
    return (dense.unsqueeze(-1) * outputs).sum(dim=1)
