"""Q1, Q2, Q3, Q16, Q17 and Q18's claims, checked in-process."""
import dataclasses

import numpy as np
import pytest
import torch
from torch import nn

import q04_mnist_time
from conftest import synthetic_digits
from my_dataset import MyDataset
from q02_autograd import finite_difference_gradients
from q16_perceptron import NAMED_FUNCTIONS, all_inputs, build_network, verify_all_functions
from q17_linear import XOR_X, collapse, deep_linear, small_relu, train_on_xor
from q18_adversarial import fgsm, pgd


def test_q1_views_share_memory_and_reshape_copies_a_transposed_tensor():
    x = torch.arange(12.0).reshape(3, 4)
    for view in (x.t(), x[1:, ::2], x.view(4, 3), x.reshape(2, 6)):
        assert view.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    transposed = x.t()
    copied = transposed.reshape(12)
    assert copied.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
    with pytest.raises(RuntimeError):
        transposed.view(12)


def test_q3_from_numpy_and_numpy_share_memory_on_the_cpu():
    array = np.zeros(3, dtype=np.float32)
    tensor = torch.from_numpy(array)
    tensor[0] = 1.0
    tensor.numpy()[1] = 2.0
    assert array.tolist() == [1.0, 2.0, 0.0]


def test_autograd_matches_finite_differences():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    x, y = torch.randn(5, 3, dtype=torch.float64), torch.tensor([0, 1, 1, 0, 1])
    nn.functional.cross_entropy(model(x), y).backward()
    numeric = finite_difference_gradients(model, lambda: nn.functional.cross_entropy(model(x), y))
    for parameter, gradient in zip(model.parameters(), numeric):
        assert torch.allclose(parameter.grad, gradient, atol=1e-8)


@pytest.mark.parametrize("n, count", [(2, 16), (3, 256), (4, 65_536)])
def test_every_boolean_function_is_computed(n, count):
    assert verify_all_functions(n) == (count, count)


def test_parity_and_majority_and_unit_counts():
    for n in (5, 7):
        x = all_inputs(n)
        for function in NAMED_FUNCTIONS.values():
            assert np.array_equal(build_network(function(x))(x), function(x))
        assert build_network(NAMED_FUNCTIONS["parity"](x)).hidden_units == 2 ** (n - 1)
    assert build_network(np.ones(8, int)).hidden_units == 8  # worst case 2^n
    assert build_network(np.zeros(8, int))(all_inputs(3)).sum() == 0


def test_a_broken_construction_is_detected(monkeypatch):
    import q16_perceptron

    def and_instead_of_or(table):
        network = build_network(table)
        network.b2 = network.hidden_units - 0.5  # fires only when every hidden unit fires
        return network

    monkeypatch.setattr(q16_perceptron, "build_network", and_instead_of_or)
    checked, exact = q16_perceptron.verify_all_functions(2)
    assert checked == 16 and exact < checked


def test_deep_linear_network_is_one_affine_map():
    torch.manual_seed(0)
    model = deep_linear([3, 7, 5, 2]).double()
    weight, bias = collapse(model)
    x = torch.randn(50, 3, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(model(x), x @ weight.T + bias, atol=1e-12)


def test_a_deep_linear_network_on_xor_ends_near_the_constant_map():
    """What Q17's words rest on: the best affine fit to XOR under the logistic loss is w = 0, b = 0,
    so the trained logits end near 0 (the count of points on the right side is rounding) and
    never all 4 points are right."""
    torch.manual_seed(0)
    model = deep_linear([2, 16, 16, 16, 1])
    assert train_on_xor(model, steps=300) < 4
    with torch.no_grad():
        assert model(XOR_X).abs().max() < 1e-3


def test_xor_training_reaches_all_four_points_with_relu():
    torch.manual_seed(0)
    assert train_on_xor(small_relu(), steps=1000) == 4  # the training helper works where a solution exists


@pytest.fixture(scope="module")
def trained_digits():
    images, labels = synthetic_digits(20, 0)
    data = MyDataset(images.reshape(len(images), -1) / 255.0, labels)
    model, _ = q04_mnist_time.train(data, 0, dataclasses.replace(q04_mnist_time.HOMEWORK, epochs=10, lr=0.05))
    model.zero_grad()  # drop the last training step's gradients
    return model.eval().requires_grad_(False), data.x, data.y


@pytest.mark.parametrize("attack", ["fgsm", "pgd"])
def test_attacks_respect_eps_and_pixel_range(trained_digits, attack):
    model, x, y = trained_digits
    for eps in (0.05, 0.3):
        adversarial = fgsm(model, x, y, eps) if attack == "fgsm" else pgd(model, x, y, eps, steps=5)
        assert (adversarial - x).abs().max() <= eps + 1e-6
        assert adversarial.min() >= 0.0 and adversarial.max() <= 1.0
    same = fgsm(model, x, y, 0.0) if attack == "fgsm" else pgd(model, x, y, 0.0, steps=5)
    assert torch.equal(same, x)


def test_fgsm_and_pgd_lower_the_accuracy_within_their_budget(trained_digits):
    model, x, y = trained_digits
    with torch.no_grad():
        clean = (model(x).argmax(1) == y).float().mean()
        attacked = (model(pgd(model, x, y, 0.3, steps=10)).argmax(1) == y).float().mean()
        fgsm_acc = (model(fgsm(model, x, y, 0.3)).argmax(1) == y).float().mean()
    assert clean > 0.9
    assert attacked < clean and fgsm_acc < clean


def test_targeted_pgd_reaches_the_target(trained_digits):
    model, x, y = trained_digits
    target = (y + 1) % 10
    with torch.no_grad():
        before = (model(x).argmax(1) == target).float().mean()
        after = (model(pgd(model, x, target, 0.3, steps=10, targeted=True)).argmax(1) == target).float().mean()
    assert after > before + 0.3


def test_attack_gradients_in_batches_equal_one_pass(trained_digits, monkeypatch):
    import q18_adversarial

    model, x, y = trained_digits
    monkeypatch.setattr(q18_adversarial, "ATTACK_BATCH", 10_000)
    whole = q18_adversarial.input_gradient(model, x, y)
    monkeypatch.setattr(q18_adversarial, "ATTACK_BATCH", 7)
    assert torch.allclose(q18_adversarial.input_gradient(model, x, y), whole, atol=1e-6)


def test_attack_gradient_is_the_loss_gradient_with_respect_to_the_pixels(trained_digits):
    from q18_adversarial import input_gradient

    model, x, y = trained_digits
    pixels = x.clone().requires_grad_(True)
    expected, = torch.autograd.grad(nn.functional.cross_entropy(model(pixels), y, reduction="sum"), pixels)
    assert torch.allclose(input_gradient(model, x, y), expected, atol=1e-6)
    assert all(p.grad is None for p in model.parameters())  # the weights are frozen: nothing flows into them
