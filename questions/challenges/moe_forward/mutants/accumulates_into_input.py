
def moe_forward(x, gate_weight, experts, k=2):
    probs = (x @ gate_weight.T).softmax(dim=-1)
    w, chosen = probs.topk(k, dim=-1)
    w = w / w.sum(-1, keepdim=True)
    ys = []
    for e, expert in enumerate(experts):
        tok, slot = (chosen == e).nonzero(as_tuple=True)
        ys.append((tok, w[tok, slot, None] * expert(x[tok])) if tok.numel() else None)
    out = x.detach()
    out.zero_()
    for item in ys:
        if item is not None:
            out.index_add_(0, item[0], item[1].detach())
    return out
