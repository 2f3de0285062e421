def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    out = logits.clone()
    if 0 < top_k < out.shape[-1]:
        kth = out.topk(top_k, dim=-1).values[..., -1:]
        out = out.masked_fill(out < kth, float("-inf"))
    if top_p < 1.0:
        probs = logits.softmax(dim=-1)  # probabilities before top-k, not renormalised over the kept
        sorted_probs, order = probs.sort(dim=-1, descending=True)
        before = sorted_probs.cumsum(dim=-1) - sorted_probs
        remove_sorted = before >= top_p
        remove = remove_sorted.scatter(-1, order, remove_sorted)
        out = out.masked_fill(remove, float("-inf"))
    return out
