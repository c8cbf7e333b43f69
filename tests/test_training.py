"""The shared training loop: same math as torch.optim.SGD, learning, determinism, early stopping."""
import numpy as np
import pytest
import torch

from common.models import mnist_mlp
from common.training import PlainSGD, PlateauStopper, evaluate, fit, seeded
from conftest import synthetic_digits
from my_dataset import MyDataset


def digits(n_per_class=20, seed=0) -> MyDataset:
    images, labels = synthetic_digits(n_per_class, seed)
    return MyDataset(images.reshape(len(images), -1) / 255.0, labels)


def test_my_dataset():
    data = MyDataset(np.zeros((4, 3)), np.array([0, 1, 2, 3]))
    assert len(data) == 4
    x, y = data[2]
    assert x.dtype == torch.float32 and y.dtype == torch.int64 and y.item() == 2
    with pytest.raises(ValueError, match="4 examples but 3 labels"):
        MyDataset(np.zeros((4, 3)), np.zeros(3))


def test_plain_sgd_equals_torch_sgd():
    data = digits(5)
    a, b = seeded(mnist_mlp, 1), seeded(mnist_mlp, 1)
    opt_a, opt_b = PlainSGD(a.parameters(), lr=0.05), torch.optim.SGD(b.parameters(), lr=0.05)
    loss_fn = torch.nn.CrossEntropyLoss()
    for start in range(0, 50, 10):
        for model, opt in ((a, opt_a), (b, opt_b)):
            opt.zero_grad()
            loss_fn(model(data.x[start:start + 10]), data.y[start:start + 10]).backward()
            opt.step()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


def test_few_epochs_lower_the_loss_and_seed_repeats_exactly():
    data = digits()
    runs = [fit(seeded(mnist_mlp, 7), data, epochs=5, batch_size=10, lr=0.05, seed=7, progress=False) for _ in range(2)]
    losses = [[r.train_loss for r in run.history] for run in runs]
    assert losses[0] == losses[1]
    assert losses[0][-1] < losses[0][0] * 0.7
    other = fit(seeded(mnist_mlp, 8), data, epochs=5, batch_size=10, lr=0.05, seed=8, progress=False)
    assert [r.train_loss for r in other.history] != losses[0]


def test_evaluate_counts_accuracy():
    model = torch.nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.eye(2))
        model.bias.zero_()
    data = MyDataset(np.array([[1.0, 0], [0, 1], [1, 0], [0, 1]]), np.array([0, 1, 1, 1]))
    loss, acc = evaluate(model, data, batch_size=3)
    assert acc == 0.75
    assert loss == pytest.approx(torch.nn.functional.cross_entropy(model(data.x), data.y).item())


def stop_epoch(losses, **kwargs):
    """The 1-based epoch after which the stopper says stop, or None."""
    stopper = PlateauStopper(**kwargs)
    return next((epoch for epoch, loss in enumerate(losses, 1) if stopper.update(loss)), None)


def test_stopper_on_crafted_sequences():
    assert stop_epoch([1.0, 1.0, 1.0, 1.0, 1.0]) == 4  # cannot stop before epoch 4
    assert stop_epoch([1.0, 0.9, 0.95, 0.96, 0.9, 0.9, 0.91, 0.92]) == 8  # rises count; a decrease resets
    assert stop_epoch([1.0 - 0.01 * i for i in range(100)]) is None  # steady decrease runs to the cap
    assert stop_epoch([1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8]) == 7  # a real decrease resets the counter
    assert stop_epoch([1.0, 0.99995, 0.9999, 0.99985]) == 4  # decreases of 5e-5 count as no decrease
    assert stop_epoch([1.0, 0.9998, 0.9996, 0.9994]) is None  # decreases of 2e-4 are real ones
    assert stop_epoch([1.0, 1.0, 1.0], patience=2) == 3
    # "not decreased by more than min_delta": a decrease of exactly min_delta does not count
    assert stop_epoch([1.0, 0.75, 0.5, 0.25], min_delta=0.25) == 4
    assert stop_epoch([1.0, 0.74, 0.48, 0.22], min_delta=0.25) is None


def test_fit_stops_early_and_says_why():
    data = digits(5)
    result = fit(seeded(mnist_mlp, 0), data, epochs=50, batch_size=10, lr=0.0, seed=0, val=data,
                 stopper=PlateauStopper(), track_train_acc=True, progress=False)
    assert len(result.history) == 4  # lr 0: the validation loss never moves
    assert "3 epochs in a row" in result.stop_reason
    assert all(r.val_loss is not None and r.train_acc is not None for r in result.history)
    with pytest.raises(ValueError, match="validation set"):
        fit(seeded(mnist_mlp, 0), data, epochs=1, batch_size=10, lr=0.1, seed=0, stopper=PlateauStopper())


def test_best_weights_are_those_of_the_lowest_validation_loss():
    train, val = digits(5, seed=0), digits(3, seed=1)
    model = seeded(mnist_mlp, 0)
    result = fit(model, train, epochs=8, batch_size=10, lr=0.5, seed=0, val=val, keep_best=True, progress=False)
    losses = [r.val_loss for r in result.history]
    assert result.best_epoch == 1 + int(np.argmin(losses))
    restored = seeded(mnist_mlp, 0)
    restored.load_state_dict(result.best_state)
    assert evaluate(restored, val)[0] == pytest.approx(min(losses))
    # restore_best loads them into the model itself; the same seed retraces the same run.
    again = seeded(mnist_mlp, 0)
    fit(again, train, epochs=8, batch_size=10, lr=0.5, seed=0, val=val, restore_best=True, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(again.state_dict().values(), result.best_state.values()))


def test_other_optimizers_and_schedules_go_through_the_same_loop():
    data = digits(5)
    model = seeded(mnist_mlp, 0)
    seen = []

    def schedule(optimizer, steps):
        seen.append(steps)
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, 0.01, total_steps=steps)

    result = fit(model, data, epochs=3, batch_size=16, lr=0.01, seed=0,
                 optimizer=lambda p: torch.optim.AdamW(p, lr=0.01), scheduler=schedule, progress=False)
    assert seen == [3 * 4]  # 50 examples in batches of 16: 4 steps per epoch
    assert result.history[-1].train_loss < result.history[0].train_loss


def test_a_diverging_run_stops_with_a_user_error():
    from common.training import TrainingDiverged

    with pytest.raises(TrainingDiverged, match="training diverged at epoch 1, loss (nan|inf); try a smaller --lr"):
        fit(seeded(mnist_mlp, 0), digits(5), epochs=5, batch_size=10, lr=1e12, seed=0, progress=False)


def test_thread_setting_does_not_leak():
    before = torch.get_num_threads()
    fit(seeded(mnist_mlp, 0), digits(2), epochs=1, batch_size=10, lr=0.01, seed=0, threads=1, progress=False)
    assert torch.get_num_threads() == before


def test_training_accuracy_is_counted_during_the_epoch():
    """With lr 0 the weights never move, so the accuracy counted from each batch's forward pass
    equals a separate pass over the training set; with a real step it is counted before each step."""
    data = digits(5)
    model = seeded(mnist_mlp, 0)
    result = fit(model, data, epochs=2, batch_size=10, lr=0.0, seed=0, val=data, track_train_acc=True, progress=False)
    assert [r.train_acc for r in result.history] == [evaluate(model, data)[1]] * 2
    untracked = fit(seeded(mnist_mlp, 0), data, epochs=1, batch_size=10, lr=0.05, seed=0, progress=False)
    tracked = fit(seeded(mnist_mlp, 0), data, epochs=1, batch_size=10, lr=0.05, seed=0, track_train_acc=True,
                  progress=False)
    assert untracked.history[0].train_acc is None and 0 < tracked.history[0].train_acc <= 1
    assert tracked.history[0].train_loss == untracked.history[0].train_loss  # counting does not touch training


def test_random_crop_flip_changes_images_not_labels():
    from common.training import random_crop_flip

    torch.manual_seed(0)
    x = torch.randn(16, 3, 12, 12)
    augment, generator = random_crop_flip(pad=2), torch.Generator().manual_seed(0)
    first, second = augment(x, generator), augment(x, generator)
    assert first.shape == x.shape and not torch.equal(first, x) and not torch.equal(first, second)  # new each epoch
    mirror = random_crop_flip(pad=0)(x, torch.Generator().manual_seed(1))
    flipped = [i for i in range(16) if not torch.equal(mirror[i], x[i])]
    assert 0 < len(flipped) < 16  # about half are mirrored
    for i in flipped:
        assert torch.equal(mirror[i], x[i].flip(2))  # left–right: the width axis, never up–down
    recorded = []

    def spy(batch, gen):
        recorded.append(batch.shape)
        return random_crop_flip()(batch, gen)

    data = digits(5)
    square = MyDataset(data.x.view(-1, 1, 28, 28), data.y)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    result = fit(model, square, epochs=1, batch_size=10, lr=0.1, seed=0, augment=spy, track_train_acc=True,
                 progress=False)
    assert recorded == [torch.Size([10, 1, 28, 28])] * 5 and result.history[0].train_acc is not None
