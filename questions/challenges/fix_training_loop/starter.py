import torch
from torch import nn


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int, lr: float) -> list[float]:
    """Full-batch training with SGD and cross-entropy; returns the per-epoch losses.

    This loop has several bugs. Fix them.
    """
    model.eval()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        logits = model(X)
        probs = torch.softmax(logits, dim=1)
        loss = loss_fn(probs, y)
        optimizer.step()
        loss.backward()
        losses.append(loss)
    return losses
