# expected verdict: wrong_answer (log(1 - sigmoid(100)) = log(0): infinite loss)
import torch


def bce_with_logits(logits, targets):
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
