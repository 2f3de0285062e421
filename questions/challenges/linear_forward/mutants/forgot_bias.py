# expected verdict: wrong_answer (never adds the bias)
import torch


def linear_forward(x, weight, bias=None):
    return x @ weight.T
