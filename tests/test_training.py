"""The one training loop (run_model.py): the textbook loop over a DataLoader, learning,
determinism, evaluation, the homework's stopping rule, and that the harness around a recipe
never changes its arithmetic."""
import dataclasses

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

import q04_mnist_time
from conftest import synthetic_digits
from data.dogs import DogsDataset
from harness.checkpoints import recipe_fingerprint
from harness.dog_runs import DogSplits, train_dog_model
from harness.mnist_runs import train_one_size
from common.runtime import torch_threads
from load_data import load_mnist_data
from models import Digit_Classifier
from my_dataset import MyDataset
from q11_dog_mlp import HOMEWORK
from run_model import EarlyStopping, TrainingDiverged, evaluate, fit, train_epoch


def digits(n_per_class=20, seed=0) -> MyDataset:
    images, labels = synthetic_digits(n_per_class, seed)
    return MyDataset(images.reshape(len(images), -1) / 255.0, labels)


def recipe_run(data: MyDataset, seed: int, epochs: int = 5, lr: float = 0.05):
    """Q4's recipe with other epochs and lr: (model, history)."""
    return q04_mnist_time.train(data, seed, dataclasses.replace(q04_mnist_time.HOMEWORK, epochs=epochs, lr=lr))


def test_mydataset_holds_tensors_and_indexes_like_a_dataset():
    data = MyDataset(np.zeros((4, 3)), np.array([0, 1, 2, 3]))
    assert len(data) == 4
    x, y = data[2]
    assert x.dtype == torch.float32 and y.dtype == torch.int64 and y.item() == 2
    with pytest.raises(ValueError, match="4 examples but 3 labels"):
        MyDataset(np.zeros((4, 3)), np.zeros(3))


def test_an_epoch_sees_every_example_once_in_a_new_order_and_steps_once_per_batch():
    data = MyDataset(torch.arange(25, dtype=torch.float32).view(25, 1), torch.zeros(25))
    seen, steps = [], []

    class Spy(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1, 10))

        def forward(self, x):
            seen.append(x.flatten().long().tolist())
            return x @ self.w

    model = Spy()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    optimizer.register_step_post_hook(lambda *a: steps.append(1))
    loader = DataLoader(data, batch_size=10, shuffle=True, generator=torch.Generator().manual_seed(0))
    for _ in range(2):
        train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer)
    first, second = sum(seen[:3], []), sum(seen[3:], [])
    assert [len(b) for b in seen] == [10, 10, 5] * 2 and len(steps) == 6  # the last batch is smaller
    assert sorted(first) == sorted(second) == list(range(25)) and first != second


def test_few_epochs_lower_the_loss_and_the_seed_repeats_exactly():
    data = digits()
    runs = [recipe_run(data, 7) for _ in range(2)]
    assert runs[0][1].train_loss == runs[1][1].train_loss
    assert all(torch.equal(a, b) for a, b in zip(runs[0][0].parameters(), runs[1][0].parameters()))
    assert runs[0][1].train_loss[-1] < runs[0][1].train_loss[0] * 0.7
    assert recipe_run(data, 8)[1].train_loss != runs[0][1].train_loss


def test_the_harness_never_changes_the_arithmetic(tmp_path, mnist_dir):
    """A model trained through the harness (checkpoint keys, threads, saving) has exactly the
    weights of the recipe called by hand on the same subset."""
    settings = dataclasses.replace(q04_mnist_time.HOMEWORK, epochs=2)
    trained = train_one_size(Digit_Classifier, q04_mnist_time.train, mnist_dir, 50, 3, settings, tmp_path,
                             reuse=False, threads=1)
    split = load_mnist_data(5, settings.test_per_class, mnist_folder=mnist_dir, seed=3)
    with torch_threads(1):
        by_hand, history = q04_mnist_time.train(MyDataset(split.train_features, split.train_targets), 3, settings)
    assert trained.losses == history.train_loss
    assert all(torch.equal(a, b) for a, b in zip(trained.model.parameters(), by_hand.parameters()))


def test_evaluate_counts_accuracy():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.eye(2))
        model.bias.zero_()
    data = MyDataset(np.array([[1.0, 0], [0, 1], [1, 0], [0, 1]]), np.array([0, 1, 1, 1]))
    loss, acc = evaluate(model, DataLoader(data, batch_size=3))
    assert acc == 0.75
    assert loss == pytest.approx(nn.functional.cross_entropy(model(data.x), data.y).item())


def stop_epoch(losses, **kwargs):
    """The 1-based epoch after which the stopper says stop, or None."""
    stopper = EarlyStopping(**{"patience": HOMEWORK.patience, "min_delta": HOMEWORK.min_delta, **kwargs})
    return next((epoch for epoch, loss in enumerate(losses, 1) if stopper.step(loss)), None)


def test_the_stopping_rule_on_crafted_loss_sequences():
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


def plain_sgd(data: MyDataset, lr: float, seed: int = 0, batch_size: int = 10):
    """(model, loss_fn, optimizer, train loader, validation loader) of the homework's kind."""
    torch.manual_seed(seed)
    model = Digit_Classifier()
    loader = DataLoader(data, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    return model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), loader, DataLoader(data, 256)


def test_fit_stops_early_and_says_why():
    model, loss_fn, optimizer, loader, val = plain_sgd(digits(5), lr=0.0)
    history = fit(model, loader, loss_fn, optimizer, 50, val, EarlyStopping(HOMEWORK.patience, HOMEWORK.min_delta))
    assert len(history.train_loss) == 4 and history.stopped_early  # lr 0: the validation loss never moves
    assert "3 epochs in a row" in history.stop_reason
    assert all(v is not None for v in history.val_loss + history.train_acc)
    with pytest.raises(ValueError, match="validation loader"):
        fit(model, loader, loss_fn, optimizer, 1, stopper=EarlyStopping(HOMEWORK.patience, HOMEWORK.min_delta))


def test_fit_times_the_training_epochs_alone(monkeypatch):
    """Q4's time is the textbook loop's, batching included: fit's clock stops before the
    validation pass (here a validation set that costs 100 s on a fake clock per image)."""
    import run_model

    clock = [0.0]
    monkeypatch.setattr(run_model.time, "perf_counter", lambda: clock[0])

    class SlowToRead(MyDataset):
        def __getitem__(self, index):
            clock[0] += 100.0
            return super().__getitem__(index)

    class TimedBatches(MyDataset):
        def __getitem__(self, index):
            clock[0] += 1.0  # fetching a training example is part of the training time
            return super().__getitem__(index)

    data, check = digits(5), digits(3, seed=1)
    model, loss_fn, optimizer, _, _ = plain_sgd(data, lr=0.01)
    history = fit(model, DataLoader(TimedBatches(data.x, data.y), batch_size=10), loss_fn, optimizer, 2,
                  DataLoader(SlowToRead(check.x, check.y), batch_size=256))
    assert history.train_seconds == 2 * len(data)
    assert clock[0] == 2 * len(data) + 2 * 100.0 * len(check)


def test_best_weights_are_those_of_the_lowest_validation_loss():
    train, val = digits(5, seed=0), DataLoader(digits(3, seed=1), batch_size=256)
    model, loss_fn, optimizer, loader, _ = plain_sgd(train, lr=0.5)
    history = fit(model, loader, loss_fn, optimizer, 8, val)
    assert history.best_epoch == 1 + int(np.argmin(history.val_loss))
    restored = Digit_Classifier()
    restored.load_state_dict(history.best_state)
    assert evaluate(restored, val)[0] == pytest.approx(min(history.val_loss))
    assert [e["epoch"] for e in history.epochs()] == list(range(1, 9))


def test_a_scheduler_steps_once_per_batch():
    model, loss_fn, _, loader, _ = plain_sgd(digits(5), lr=0.01, batch_size=16)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, 0.01, total_steps=3 * len(loader))
    history = fit(model, loader, loss_fn, optimizer, 3, scheduler=scheduler)
    assert scheduler.last_epoch == 3 * 4  # 50 examples in batches of 16: 4 steps per epoch
    assert history.train_loss[-1] < history.train_loss[0]


def test_a_diverging_run_stops_with_a_user_error():
    with pytest.raises(TrainingDiverged, match="training diverged at epoch 1, loss (nan|inf); try a smaller --lr"):
        recipe_run(digits(5), 0, lr=1e12)


def test_thread_setting_does_not_leak():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_training_accuracy_is_counted_during_the_epoch():
    """With lr 0 the weights never move, so the accuracy counted from each batch's forward pass
    equals a separate pass over the training set."""
    data = digits(5)
    model, loss_fn, optimizer, loader, val = plain_sgd(data, lr=0.0)
    history = fit(model, loader, loss_fn, optimizer, 2, val)
    assert history.train_acc == [evaluate(model, val)[1]] * 2


def test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights():
    """A run whose validation loss falls, then rises: `best_state` must hold the weights of the
    best epoch, while the model keeps its last ones (a state_dict kept without a copy would
    silently follow the model to its last epoch)."""
    model = nn.Linear(1, 2)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.copy_(torch.tensor([0.0, 2.0]))  # starts favouring class 1
    train = DataLoader(MyDataset(torch.zeros(4, 1), torch.zeros(4)), batch_size=4)  # every label 0
    val = DataLoader(MyDataset(torch.zeros(2, 1), torch.tensor([0, 1])), batch_size=2)  # best where p0 = p1
    history = fit(model, train, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), 10, val)
    assert 1 < history.best_epoch < 10 and history.val_loss[-1] > min(history.val_loss)
    assert not torch.equal(history.best_state["bias"], model.bias.detach())
    restored = nn.Linear(1, 2)
    restored.load_state_dict(history.best_state)
    assert evaluate(restored, val)[0] == pytest.approx(min(history.val_loss))
    assert evaluate(model, val)[0] == pytest.approx(history.val_loss[-1])


def test_the_training_loss_is_a_mean_per_example_like_the_validation_loss():
    """With lr 0 the weights never move, so the training loss of an epoch whose last batch is
    smaller must equal the per-example mean that `evaluate` reports on the same data."""
    data = digits(5)  # 50 examples in batches of 16: 16, 16, 16, 2
    model, loss_fn, optimizer, loader, val = plain_sgd(data, lr=0.0, batch_size=16)
    history = fit(model, loader, loss_fn, optimizer, 1, val)
    assert history.train_loss[0] == pytest.approx(history.val_loss[0], rel=1e-6)


class OrderSpy(nn.Module):
    """Stands in for a homework network: records the example ids ([N, 1] inputs) of each
    training batch and returns constant logits with a gradient."""

    batches: list[list[int]] = []

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1, 10))

    def forward(self, x):
        if self.training:
            OrderSpy.batches.append(x.flatten(1)[:, 0].long().tolist())
        return self.w.expand(len(x), 10) + 0 * x.flatten(1)[:, :1]


@pytest.mark.parametrize("script, network", [("q11_dog_mlp", "Dog_Classifier_FC"), ("q15_dog_cnn", "Dog_Classifier_Conv"),
                                             ("q04_mnist_time", "Digit_Classifier"), ("q06_mnist_acc", "Digit_Classifier")])
def test_each_recipe_trains_in_the_homeworks_batches_in_a_new_order_every_epoch(monkeypatch, script, network):
    """The recipe itself, observed: batches of the homework's size, every example once per
    epoch, in an order that is not the file's and changes every epoch (shuffle=True)."""
    module = __import__(script)
    monkeypatch.setattr(module, network, OrderSpy)
    OrderSpy.batches = []
    n = 70
    examples = MyDataset(torch.arange(n, dtype=torch.float32).view(n, 1), torch.zeros(n))
    settings = dataclasses.replace(module.HOMEWORK, epochs=2)
    if script.startswith("q1"):
        module.train(DogSplits(examples, examples, examples), 0, settings)
    else:
        module.train(examples, 0, settings)
    size = module.HOMEWORK.batch_size
    per_epoch = -(-n // size)
    assert [len(b) for b in OrderSpy.batches] == ([size] * (n // size) + [n % size] * bool(n % size)) * 2
    first, second = sum(OrderSpy.batches[:per_epoch], []), sum(OrderSpy.batches[per_epoch:], [])
    assert sorted(first) == sorted(second) == list(range(n))
    assert first != list(range(n)) and second != first


@pytest.mark.parametrize("script", ["q11_dog_mlp", "q15_dog_cnn"])
def test_the_dogset_harness_never_changes_the_arithmetic(tmp_path, dogset_dir, script):
    """A DogSet model trained and tested through the harness (worker-ready script bundle,
    checkpoint keys, threads, saving) has exactly the weights and test accuracy of the
    script's own dog_tensors, train and evaluate_on_test called by hand."""
    module = __import__(script)
    dogs = DogsDataset(dogset_dir, quiet=True)
    settings = dataclasses.replace(module.HOMEWORK, epochs=2)
    trained = train_dog_model(module.SCRIPT, dogs, 3, settings, tmp_path, reuse=False, threads=1)
    with torch_threads(1):
        splits = module.dog_tensors(dogs)
        by_hand, history = module.train(splits, 3, settings)
        test_acc = module.evaluate_on_test(by_hand, splits.test)
    assert all(torch.equal(a, b) for a, b in zip(trained.model.parameters(), by_hand.parameters()))
    assert trained.test_acc == test_acc and [h["val_loss"] for h in trained.history] == history.val_loss


def test_the_dog_scripts_share_one_preparation_test_pass_and_settings():
    """q15 repeats q11's data preparation, test pass and HOMEWORK on its own screen; the copies
    must read the same."""
    import q11_dog_mlp
    import q15_dog_cnn
    for name in ("dog_tensors", "evaluate_on_test"):
        assert recipe_fingerprint(getattr(q11_dog_mlp, name)) == recipe_fingerprint(getattr(q15_dog_cnn, name))
    assert q11_dog_mlp.HOMEWORK == q15_dog_cnn.HOMEWORK
