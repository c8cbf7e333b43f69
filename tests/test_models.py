"""The networks' layer shapes and weight counts, counted from the models themselves."""
import torch
from torch import nn

from models import Digit_Classifier, Dog_Classifier_Conv, Dog_Classifier_FC, count_parameters
from q11_dog_mlp import q10_formula
from q15_dog_cnn import q14_design


def linear_shapes(model: nn.Module) -> list[tuple[int, int]]:
    return [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]


def test_digit_classifier_layers_and_count():
    model = Digit_Classifier()
    assert linear_shapes(model) == [(784, 128), (128, 64), (64, 10)]
    weights, biases = count_parameters(model)
    assert (weights, biases, weights + biases) == (109_184, 202, 109_386)
    assert model(torch.zeros(3, 784)).shape == (3, 10)
    assert model(torch.zeros(3, 28, 28)).shape == (3, 10)


def test_outputs_are_logits_not_probabilities():
    """No softmax and no ReLU after the last layer: outputs can be negative and rows do not sum to 1."""
    torch.manual_seed(0)
    for model, shape in ((Digit_Classifier(), (64, 784)), (Dog_Classifier_FC(), (64, 3, 64, 64)),
                         (Dog_Classifier_Conv(), (64, 3, 64, 64))):
        out = model(torch.randn(shape))
        assert out.min() < 0 and not torch.allclose(out.sum(dim=1), torch.ones(64))


def test_dog_classifier_fc_count_matches_q10_formula():
    model = Dog_Classifier_FC()
    assert linear_shapes(model) == [(12288, 128), (128, 64), (64, 10)]
    weights, biases = count_parameters(model)
    assert weights == q10_formula() == 1_581_696
    assert weights + biases == 1_581_898
    assert model(torch.zeros(2, 3, 64, 64)).shape == (2, 10)


def test_dog_classifier_conv_matches_q14_design():
    model = Dog_Classifier_Conv()
    design = q14_design()
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert [(c.kernel_size, c.stride, c.padding, c.dilation) for c in convs] == [((5, 5), (2, 2), (0, 0), (1, 1))] * 2
    weights, biases = count_parameters(model)
    assert weights == design["weights_formula"] == 16 * 3 * 25 + 32 * 16 * 25 + 32 * 13 * 13 * 10 == 68_080
    assert biases == design["biases_formula"] == 58
    x = torch.zeros(2, 3, 64, 64)
    assert design["shapes"] == [[1, 16, 30, 30], [1, 32, 13, 13]]
    assert model.conv2(model.conv1(x)).shape == (2, 32, 13, 13)
    assert model(x).shape == (2, 10)

