"""The networks' layer shapes and weight counts, counted from the models themselves."""
import torch
from torch import nn

from common.models import count_parameters, dog_cnn, dog_mlp, mnist_mlp
from q11_dog_mlp import q10_formula
from q15_dog_cnn import q14_design


def linear_shapes(model: nn.Module) -> list[tuple[int, int]]:
    return [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]


def test_mnist_mlp_layers_and_count():
    model = mnist_mlp()
    assert linear_shapes(model) == [(784, 128), (128, 64), (64, 10)]
    assert [type(m) for m in model][1:] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]  # no softmax at the end
    weights, biases = count_parameters(model)
    assert (weights, biases, weights + biases) == (109_184, 202, 109_386)
    assert model(torch.zeros(3, 784)).shape == (3, 10)


def test_dog_mlp_count_matches_q10_formula():
    model = dog_mlp()
    assert linear_shapes(model) == [(12288, 128), (128, 64), (64, 10)]
    weights, biases = count_parameters(model)
    assert weights == q10_formula() == 1_581_696
    assert weights + biases == 1_581_898
    assert model(torch.zeros(2, 3, 64, 64)).shape == (2, 10)


def test_dog_cnn_matches_q14_design():
    model = dog_cnn()
    design = q14_design()
    convs = [m for m in model if isinstance(m, nn.Conv2d)]
    assert [(c.kernel_size, c.stride, c.padding, c.dilation) for c in convs] == [((5, 5), (2, 2), (0, 0), (1, 1))] * 2
    weights, biases = count_parameters(model)
    assert weights == design["weights_formula"] == 16 * 3 * 25 + 32 * 16 * 25 + 32 * 13 * 13 * 10
    assert biases == design["biases_formula"] == 58
    x = torch.zeros(2, 3, 64, 64)
    assert design["shapes"] == [[1, 16, 30, 30], [1, 32, 13, 13]]
    assert convs[1](convs[0](x)).shape == (2, 32, 13, 13)
    assert model(x).shape == (2, 10)


def test_old_answer_channels_give_the_old_count():
    weights, biases = count_parameters(dog_cnn(channels=(6, 10)))
    assert (weights, biases) == (18_850, 26)
