"""The homework's three networks, each defined once.

All of them end in a linear layer with no softmax: CrossEntropyLoss applies
log-softmax itself, so the outputs are logits.
"""
from __future__ import annotations

from torch import nn

from q13_conv_shape import conv2d_output_shape

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


# Q14's choice: 5×5 kernels with stride 2 shrink 64 → 30 → 13 without padding, so two
# layers already see a 17×17 patch each, and the flattened map stays small for the
# linear layer. 16 and 32 channels follow the usual "double the channels when the
# resolution halves" rule and cost only a few seconds per epoch on a 2-core CPU.
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
    shape = (1, *DOG_IMAGE_SHAPE)
    shape = conv2d_output_shape(shape, c1, kernel_size, stride)
    shape = conv2d_output_shape(shape, c2, kernel_size, stride)
    _, c, h, w = shape
    return nn.Sequential(
        nn.Conv2d(DOG_IMAGE_SHAPE[0], c1, kernel_size=kernel_size, stride=stride),
        nn.ReLU(),
        nn.Conv2d(c1, c2, kernel_size=kernel_size, stride=stride),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(c * h * w, NUM_CLASSES),
    )


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(connection weights, biases) of a model, counted from its parameters."""
    weights = sum(p.numel() for name, p in model.named_parameters() if name.endswith("weight"))
    biases = sum(p.numel() for name, p in model.named_parameters() if name.endswith("bias"))
    return weights, biases
