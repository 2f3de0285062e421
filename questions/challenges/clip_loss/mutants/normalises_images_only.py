import torch
import torch.nn.functional as F


def clip_loss(image_emb, text_emb, temperature=0.07):
    img = F.normalize(image_emb, dim=1)
    logits = img @ text_emb.T / temperature
    labels = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
