"""The 13 topics of the bank, in study order, with the minimum card count each must reach."""

from __future__ import annotations

TOPICS: dict[str, str] = {
    "basics": "Neural network basics",
    "backprop": "Backpropagation",
    "activations": "Activation functions",
    "losses": "Loss functions",
    "optimizers": "Optimization algorithms",
    "cnn": "CNN architectures",
    "rnn": "RNN, LSTM, GRU",
    "attention": "Attention mechanism",
    "init": "Weight initialization",
    "normalization": "Normalization techniques",
    "regularization": "Regularization",
    "pytorch": "PyTorch fundamentals",
    "debugging": "Debugging neural networks",
}

CRITICAL_TOPICS = frozenset({"backprop", "attention", "pytorch"})

MIN_CARDS_PER_TOPIC = 12


def topic_title(topic: str) -> str:
    return TOPICS.get(topic, topic)
