import torch
from torch import nn


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int, lr: float) -> list[float]:
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(torch.softmax(model(X), dim=1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
