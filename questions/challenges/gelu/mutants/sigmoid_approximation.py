# expected verdict: wrong_answer (x·sigmoid(1.702x) approximation)
import torch


def gelu(x):
    return x * torch.sigmoid(1.702 * x)
