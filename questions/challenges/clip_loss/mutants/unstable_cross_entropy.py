import torch
import torch.nn.functional as F


def _ce(logits):
    n = logits.shape[0]
    log_p = logits - torch.log(torch.exp(logits).sum(dim=1, keepdim=True))
    return -log_p[torch.arange(n, device=logits.device), torch.arange(n, device=logits.device)].mean()


def clip_loss(image_emb, text_emb, temperature=0.07):
    img = F.normalize(image_emb, dim=1)
    txt = F.normalize(text_emb, dim=1)
    logits = img @ txt.T / temperature
    return (_ce(logits) + _ce(logits.T)) / 2
