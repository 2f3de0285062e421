import torch
import torch.nn.functional as F


def clip_loss(image_emb: torch.Tensor, text_emb: torch.Tensor, temperature: float = 0.07) -> torch.Tensor:
    img = image_emb / image_emb.norm(dim=1, keepdim=True)
    txt = text_emb / text_emb.norm(dim=1, keepdim=True)
    logits = img @ txt.T / temperature
    labels = torch.arange(logits.shape[0], device=logits.device)
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
