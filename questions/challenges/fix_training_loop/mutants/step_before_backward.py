import torch
from torch import nn


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int, lr: float) -> list[float]:
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        optimizer.step()
        loss.backward()
        losses.append(loss.item())
    return losses
