import torch
import torch.nn.functional as F


def clip_loss(image_emb, text_emb, temperature=0.07):
    img = F.normalize(image_emb, dim=1)
    txt = F.normalize(text_emb, dim=1)
    logits = img @ txt.T / temperature
    labels = 2 * torch.eye(logits.shape[0], dtype=logits.dtype) - 1
    return -F.logsigmoid(labels * logits).sum() / logits.shape[0]
