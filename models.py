"""The homework's three networks, one nn.Module class each, named as in the course.

Each ends in a linear layer with no softmax: nn.CrossEntropyLoss applies log-softmax itself,
so the networks output logits. Shapes are written [batch, ...]; N is the batch size.
The beyond-the-homework CNN lives in beyond_dog_cnn.py.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class Digit_Classifier(nn.Module):
    """Q4's MLP on MNIST: 784 → 128 → 64 → 10, ReLU between layers.

    Weights: 784·128 + 128·64 + 64·10 = 100,352 + 8,192 + 640 = 109,184; biases 128 + 64 + 10 = 202.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 128)  # [N, 784] → [N, 128]
        self.fc2 = nn.Linear(128, 64)  # → [N, 64]
        self.fc3 = nn.Linear(64, 10)  # → [N, 10] logits

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(1)  # [N, 28, 28] or [N, 784] → [N, 784]
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Dog_Classifier_FC(nn.Module):
    """Q10's MLP on DogSet: 12288 (= 3·64·64) → 128 → 64 → 10, ReLU between layers.

    Weights: 12288·128 + 128·64 + 64·10 = 1,572,864 + 8,192 + 640 = 1,581,696; biases 202.
    """

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3 * 64 * 64, 128)  # [N, 12288] → [N, 128]
        self.fc2 = nn.Linear(128, 64)  # → [N, 64]
        self.fc3 = nn.Linear(64, 10)  # → [N, 10] logits

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(1)  # [N, 3, 64, 64] → [N, 12288]
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Dog_Classifier_Conv(nn.Module):
    """Q14's CNN on DogSet: two Conv2d layers (kernel 5, stride 2; every other argument left at
    its default) with ReLU, then one linear layer. q13_conv_shape.py derives the shapes.

    Weights: 3·16·5·5 + 16·32·5·5 + (32·13·13)·10 = 1,200 + 12,800 + 54,080 = 68,080;
    biases 16 + 32 + 10 = 58.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=5, stride=2)  # [N, 3, 64, 64] → [N, 16, 30, 30]
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5, stride=2)  # → [N, 32, 13, 13]
        self.fc = nn.Linear(32 * 13 * 13, 10)  # flattened [N, 5408] → [N, 10] logits

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(x.flatten(1))


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(connection weights, biases) of a model, counted from its parameters (BatchNorm's scale
    counts as a weight and its shift as a bias)."""
    weights = sum(p.numel() for name, p in model.named_parameters() if name.endswith("weight"))
    biases = sum(p.numel() for name, p in model.named_parameters() if name.endswith("bias"))
    return weights, biases
