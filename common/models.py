"""Every network of the project, each defined once.

The homework's three (Q4's MNIST MLP, Q10's DogSet MLP, Q14's DogSet CNN) end in a linear
layer without softmax: CrossEntropyLoss applies log-softmax itself, so the outputs are
logits. `modern_dog_cnn` is the beyond-the-homework network (beyond_dog_cnn.py).
"""
from __future__ import annotations

import torch
from torch import nn

from common.shapes import conv2d_output_shape

NUM_CLASSES = 10
DOG_IMAGE_SHAPE = (3, 64, 64)  # channels, height, width as the networks see them


def mlp(in_features: int, hidden: tuple[int, ...] = (128, 64), classes: int = NUM_CLASSES) -> nn.Sequential:
    """Flatten → Linear → ReLU → ... → Linear(classes): the homework's MLP shape."""
    layers: list[nn.Module] = [nn.Flatten()]
    width = in_features
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def mnist_mlp() -> nn.Sequential:
    """Q4: 784 → 128 → 64 → 10."""
    return mlp(28 * 28)


def dog_mlp() -> nn.Sequential:
    """Q10/Q11: 12288 (= 64·64·3) → 128 → 64 → 10."""
    c, h, w = DOG_IMAGE_SHAPE
    return mlp(c * h * w)


# Q14's choice, argued in q15_dog_cnn.py's answer: 5×5 kernels with stride 2, 16 then 32 channels.
DOG_CNN_CHANNELS = (16, 32)
DOG_CNN_KERNEL = 5
DOG_CNN_STRIDE = 2


def dog_cnn(
    channels: tuple[int, int] = DOG_CNN_CHANNELS, kernel_size: int = DOG_CNN_KERNEL, stride: int = DOG_CNN_STRIDE
) -> nn.Sequential:
    """Q14: Conv2d → ReLU → Conv2d → ReLU → flatten → Linear(·, 10).

    Only kernel_size and stride are set on the Conv2d layers, as the homework asks;
    the linear layer's input size comes from the same shape function that answers Q13.
    """
    c1, c2 = channels
    shape = conv2d_output_shape((1, *DOG_IMAGE_SHAPE), c1, kernel_size, stride)
    _, c, h, w = conv2d_output_shape(shape, c2, kernel_size, stride)
    return nn.Sequential(
        nn.Conv2d(DOG_IMAGE_SHAPE[0], c1, kernel_size=kernel_size, stride=stride),
        nn.ReLU(),
        nn.Conv2d(c1, c2, kernel_size=kernel_size, stride=stride),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(c * h * w, NUM_CLASSES),
    )


def modern_dog_cnn(channels: tuple[int, ...] = (32, 64, 128, 256), dropout: float = 0.3) -> nn.Sequential:
    """A small modern CNN: per block Conv3×3 (no bias; BatchNorm has one) → BatchNorm → ReLU →
    MaxPool2d(2), then global average pooling, dropout and Linear(channels[-1], 10)."""
    layers: list[nn.Module] = []
    width = DOG_IMAGE_SHAPE[0]
    for size in channels:
        layers += [nn.Conv2d(width, size, 3, padding=1, bias=False), nn.BatchNorm2d(size), nn.ReLU(inplace=True),
                   nn.MaxPool2d(2)]
        width = size
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(width, NUM_CLASSES)]
    return nn.Sequential(*layers)


class ChannelsLast(nn.Module):
    """Hands the next layers their input in channels-last memory order, which CPU convolutions
    run faster in (beyond_dog_cnn.py measures it); the values are unchanged."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last)


def in_channels_last(model: nn.Module) -> nn.Sequential:
    """`model` with its weights and its input in channels-last order."""
    return nn.Sequential(ChannelsLast(), model.to(memory_format=torch.channels_last))


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(connection weights, biases) of a model, counted from its parameters (BatchNorm's scale
    counts as a weight and its shift as a bias)."""
    weights = sum(p.numel() for name, p in model.named_parameters() if name.endswith("weight"))
    biases = sum(p.numel() for name, p in model.named_parameters() if name.endswith("bias"))
    return weights, biases
