import torch


def label_smoothing_ce(logits: torch.Tensor, targets: torch.Tensor, smoothing: float = 0.1) -> torch.Tensor:
    lse = torch.logsumexp(logits, dim=1)
    picked = logits.gather(1, targets.unsqueeze(1)).squeeze(1)
    uniform = logits.mean(dim=1)
    per_row = (1.0 - smoothing) * (lse - picked) + smoothing * (lse - uniform)
    return per_row.mean()
