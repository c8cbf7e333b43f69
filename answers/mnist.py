"""Wording shared by the MNIST answers (Q4–Q7 and Q18's MNIST model)."""
from __future__ import annotations


def describe_mnist(settings: dict) -> str:
    """The training protocol of one Q4 model, from its settings."""
    return f"SGD lr {settings['lr']:g}, batch {settings['batch_size']}, {settings['epochs']} epochs"
