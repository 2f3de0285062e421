import torch
from torch import nn


def train_classifier(X, y, num_classes):
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, num_classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
    for _ in range(300):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
    return model(X).argmax(1)  # predictions on the training set instead of the model
