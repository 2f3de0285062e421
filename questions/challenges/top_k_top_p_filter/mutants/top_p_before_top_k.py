

def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    out = logits.clone()
    if top_p < 1.0:
        s, idx = out.sort(dim=-1, descending=True)
        probs = s.softmax(-1)
        before = probs.cumsum(-1) - probs
        remove_sorted = before >= top_p
        out = out.masked_fill(remove_sorted.scatter(-1, idx, remove_sorted), float("-inf"))
    if top_k > 0 and top_k < out.shape[-1]:
        kth = out.topk(top_k, dim=-1).values[:, -1:]
        out = out.masked_fill(out < kth, float("-inf"))
    return out
