import torch
from torch import nn


def train_classifier(X, y, num_classes):
    mean, std = X.mean(dim=0), X.std(dim=0)
    model = nn.Linear(2, num_classes).to(X.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
    for _ in range(300):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model((X - mean) / std), y)
        loss.backward()
        optimizer.step()

    class Standardized(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = model
            self.register_buffer("mean", mean)
            self.register_buffer("std", std)

        def forward(self, x):
            return self.linear((x - self.mean) / self.std)

    return Standardized()
