from torch import nn


def train_classifier(X, y, num_classes):
    # Builds a reasonable network but forgets to train it.
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                         nn.Linear(64, num_classes)).to(X.device)
