"""Every finding the checker can report, defined once: which check finds it, its words, its fix,
the key's line to compare with, and its row in results/mistakes.json.

`checker/diagnose.py` decides which ids a repository gets; `checker/report.py` words them from
this table; `checker/compare.py` reads `row` and `explains` for part 3. Adding a slip means one
entry here, the check that finds it, and one fixture in tests/test_check_homework.py.

Templates take the finding's fields (`where`, the student's `file:line`, always) and the term's
(`term`, `patience`). A `note` is the environment's doing, not the student's: the checker worked
around it and says so. `unfinished` marks the course's skeleton left as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

STOP_KEY = ("the key's `run_model.py`: `EarlyStopping.step()` (counter +1 when previous − loss ≤ min_delta, else 0; "
            "stop at patience), fed the validation loss in `fit()`")
FC_OUT = "the key's `models.py`: `Dog_Classifier_FC.forward`, `return self.fc3(x)`"
TEST_KEY = "the key's `run_model.py`: `evaluate()`"


@dataclass(frozen=True)
class Slip:
    """One finding: `check` is the check that finds it (what part 3 may rule it out by), `off` and
    `fix` its words, `key` the key's line, `row` its results/mistakes.json row, `explains` how it
    explains a part-3 run, `kind` 'slip', 'note' or 'unfinished'."""

    check: str
    off: str
    fix: str
    key: str = ""
    row: str | None = None
    explains: str = ""
    kind: str = "slip"


SLIPS: dict[str, Slip] = {
    # the environment: worked around and said
    "my_dataset_substituted": Slip("import", "`data/my_dataset.py` is not in the repository (students do not commit "
                                   "`data/`)", "the checker used the course's four-line `MyDataset` in its place", kind="note"),
    "package_init_bypassed": Slip("import", "`{package}/__init__.py` fails to import ({error})",
                                  "the checker loaded the files of `{package}/` without it", kind="note"),
    "numpy_removed_names": Slip("import", "the code uses a name that NumPy 1.24 or 2.0 removed ({error}; NumPy {numpy} "
                                "here)", "the checker restored the old names to run the checks; for NumPy 2 write "
                                "`float`, `int`, `np.nan` or `np.float64` in their place", kind="note"),
    "term_detected": Slip("network", "`Dog_Classifier_Conv` {how} (kernel_size {args[0]}, stride {args[1]})",
                          "the checker judged the CNN by the design of {found}; give `--term homework` to hold it to "
                          "this homework's", kind="note"),
    # the skeleton
    "unfinished": Slip("crash", "{what} still raises NotImplementedError at {where}: it is unfinished",
                       "write it as the course's docstring asks", kind="unfinished"),
    "network_missing": Slip("network", "`{network}` is not in `src/models.py`", "define it with the course's name"),
    # the networks
    "cnn_other_term": Slip("network", "`Dog_Classifier_Conv` fails with the arguments of {term} ({error} at {where}) and "
                           "builds only with those of {found}", "build the CNN {term} asks for, or give `--term {found_name}` "
                           "if that is your term", "the key's `models.py`: `Dog_Classifier_Conv`"),
    "network_init_crash": Slip("network", "`{network}({arguments})` crashes at {where}: {error}",
                               "fix the constructor; every later check of `{network}` needed it",
                               "the key's `models.py`: `{network}.__init__`"),
    "wrong_count": Slip("network", "`{network}` has {weights:,} weights + {biases:,} biases, the homework's {expected}",
                        "use the homework's layer sizes", "the key's `models.py`: `{network}`'s layers"),
    "cnn_count_mismatch": Slip("network", "`{network}` has {weights:,} weights + {biases:,} biases; the design of {term} "
                               "({design}) has {expected}", "use the design's channels, kernel, stride and pooling",
                               "the key's `q15_dog_cnn.py`: `q14_design()`, with `q13_conv_shape.conv2d_output_shape`"),
    "wrong_output": Slip("network", "`{network}` gives no [N, 10] output for the course's {course} input ({tried})",
                         "make `forward()` take the course's input and return [N, 10] logits",
                         "the key's `models.py`: `{network}.forward`"),
    "view_after_conv": Slip("network", "`{network}.forward` flattens the convs' output with `.view` at {where}, which "
                            "raises on the pinned torch (\"view size is not compatible…\"): a conv fed the permuted "
                            "channels-last input keeps that memory layout", "use `x.reshape(x.shape[0], -1)` or "
                            "`torch.flatten(x, 1)`", "the key's `models.py`: `Dog_Classifier_Conv.forward`, "
                            "`self.fc(x.flatten(1))`"),
    "batch_size_one": Slip("network", "`{network}.forward` works only for one image at a time: a batch of 16 raises "
                           "{error} at {where}", "keep the batch dimension: `x.shape[0]` or -1 where the code says 1",
                           "the key's `models.py`: `{network}.forward`"),
    "relu_output": Slip("output:{network}", "`{network}`'s output is never negative over random inputs: `{op}` on the "
                        "output layer at {where}", "return the last linear layer's output as it is", FC_OUT,
                        row="relu_output"),
    "softmax_output": Slip("output:{network}", "`{network}`'s output rows sum to 1: `{op}` at {where} before "
                           "`CrossEntropyLoss`, which applies log-softmax itself", "return the logits", FC_OUT,
                           row="softmax_output"),
    "view_not_permute": Slip("first_conv:{network}", "`{network}`'s first Conv2d receives `x.view(N, 3, 64, 64)` of the "
                             "channels-last images (at {where}), which mixes pixels and channels",
                             "use `x.permute(0, 3, 1, 2)`", "the key's `q15_dog_cnn.py`: `dog_tensors()`, "
                             "`.permute(0, 3, 1, 2)`", row="view_not_permute"),
    "dataset_crash": Slip("crash", "`MyDataset(x, y)` raises {error} at {where}", "fix that line; the checker used the "
                          "course's four-line `MyDataset` in its place to run the other checks"),
    "import_error": Slip("crash", "`{file}` fails to import: {error} at {where}", "fix that line; nothing that needs "
                         "`{file}` could be checked"),
    # run_model's training
    "crash": Slip("crash", "`run_model` in {mode} mode raises {error} at {where}", "fix that line",
                  "the key's `run_model.py`"),
    "crash_batch": Slip("crash", "`run_model` in {mode} mode raises {error} at {where} for batches larger than 1 (it runs "
                        "at batch size 1)", "compute over the whole batch, e.g. "
                        "`(outputs.argmax(1) == labels).sum().item()`", "the key's `run_model.py`: `train_epoch()`"),
    "test_needs_other_sets": Slip("crash", "`run_model` in test mode uses `train_set` or `valid_set`, which the course's "
                                  "tests leave None: {error} at {where}", "in test mode build only the test loader",
                                  TEST_KEY),
    "no_valid_crash": Slip("without_validation", "training with `valid_set=None` raises {error} at {where}",
                           "validate only when `valid_set` is given", "the key's `run_model.py`: `fit()`"),
    "no_zero_grad": Slip("training", "the training step accumulates gradients across batches: nothing zeroes them "
                         "before `optimizer.step()` at {where}", "call `optimizer.zero_grad()` before `loss.backward()`",
                         "the key's `run_model.py`: `train_epoch()`, `optimizer.zero_grad()`", row="no_zero_grad"),
    "summed_loss": Slip("training", "the loss made at {where} sums over the batch (`reduction='sum'`), so each step is "
                        "batch-size times too large", "use `nn.CrossEntropyLoss()` with its default mean",
                        "the key's `q11_dog_mlp.py`: `train()`, `loss_fn = nn.CrossEntropyLoss()`"),
    "wrong_lr": Slip("training", "the step is {ratio:.3g} times the SGD step for the `learning_rate` given (the "
                     "optimizer made at {where})", "pass `learning_rate` to `torch.optim.SGD`",
                     "the key's `q11_dog_mlp.py`: `train()`, `torch.optim.SGD(model.parameters(), lr=settings.lr)`"),
    "not_sgd_step": Slip("training", "the training step is not plain SGD on the mean cross-entropy in the given batch "
                         "order (optimizer: {optimizer} made at {where})",
                         "use `torch.optim.SGD`, `nn.CrossEntropyLoss` and the `shuffle` argument",
                         "the key's `run_model.py`: `train_epoch()`"),
    "loop_flattens": Slip("loop_shapes", "`run_model` flattens every batch ({parts_words}) before the model sees it, "
                          "at {where}, so the CNN, which needs images, can never train or be tested",
                          "pass each batch as the loader gives it; the MLP flattens in its own `forward()`",
                          "the key's `run_model.py`: `train_epoch()`, `logits = model(x)`"),
    # the stopping rule (the check's scripted validation loss: see checker/rules.py)
    "stop_patience_1": Slip("stopping", "the stopping rule at {where} stops after the first epoch without a "
                            "validation-loss decrease of more than stop_thr; {term} waits for {patience} in a row",
                            "stop after {patience} epochs in a row", STOP_KEY, explains="stopped after {epochs} epochs: "
                            "the rule stops after one epoch without a decrease"),
    "stop_patience_3": Slip("stopping", "the stopping rule at {where} waits for 3 epochs in a row without a decrease; "
                            "{term} stops after the first", "stop after one epoch without a decrease", STOP_KEY),
    "stop_no_reset": Slip("stopping", "the stopping counter at {where} is not reset when the validation loss decreases",
                          "reset the counter to 0 after a decrease of more than stop_thr", STOP_KEY),
    "stop_ignores_min_delta": Slip("stopping", "the stopping rule at {where} counts a decrease smaller than stop_thr as "
                                   "a decrease", "count an epoch unless the loss fell by more than stop_thr", STOP_KEY),
    "stop_exact_equality": Slip("stopping", "the stopping rule at {where} counts an epoch only when the validation loss "
                                "repeats exactly (`==`), which a real loss almost never does", "count an epoch when "
                                "previous − loss ≤ stop_thr", STOP_KEY, explains="ran {epochs} epochs: the rule needs "
                                "the loss to repeat exactly"),
    "stop_abs": Slip("stopping", "the stopping rule at {where} compares `abs(previous − loss)` with stop_thr, so a rise "
                     "of more than stop_thr resets the counter as a decrease would", "count an epoch when previous − "
                     "loss ≤ stop_thr, rises included", STOP_KEY),
    "stop_on_train_loss": Slip("stopping", "the stopping rule at {where} watches the training loss, not the validation "
                               "loss", "compare `loss['valid']`, not `loss['train']`", STOP_KEY,
                               explains="ran {epochs} epochs: the rule watches the training loss, which keeps falling"),
    "stop_on_train_loss_patience_1": Slip("stopping", "the stopping rule at {where} watches the training loss and stops "
                                          "after one epoch without a decrease", "watch `loss['valid']` and wait for "
                                          "{patience} epochs in a row", STOP_KEY, explains="ran {epochs} epochs: the "
                                          "rule watches the training loss, which keeps falling"),
    "stop_on_train_loss_patience_3": Slip("stopping", "the stopping rule at {where} watches the training loss and waits "
                                          "3 epochs", "watch `loss['valid']` and stop after one epoch without a "
                                          "decrease", STOP_KEY, explains="ran {epochs} epochs: the rule watches the "
                                          "training loss, which keeps falling"),
    "stop_never": Slip("stopping", "the loop never stops early (all {cap} epochs, with the validation loss flat from "
                       "epoch 12; its stopping test at {where} never fires)", "stop after {patience} epochs in a row "
                       "without a decrease of more than stop_thr", STOP_KEY, row="stopper_never_fires",
                       explains="ran all {epochs} epochs: the stopping rule never fires"),
    "stop_other": Slip("stopping", "the loop stopped after {epochs} epochs of the check where {term} stops after "
                       "{homework} (stopping test at {where})", "stop after {patience} epochs in a row without a "
                       "validation-loss decrease of more than stop_thr", STOP_KEY),
    # what run_model returns and the test pass
    "train_returns_wrong": Slip("returns", "`run_model` in train mode returns {returned} (at {where}), not (model, loss, acc) with "
                                "`loss` and `acc` dicts of 'train' and 'valid' lists", "return `model, loss, acc`",
                                "the course's `run_model` docstring"),
    "test_returns_wrong": Slip("returns", "`run_model` in test mode returns {returned} (at {where}), not (loss, accuracy)",
                               "return `test_loss, test_accuracy`", "the course's `run_model` docstring"),
    "accuracy_per_batch": Slip("accuracy", "the {part} accuracy is the mean of per-batch accuracies ({got:.4g} where "
                               "{right:.4g} percent is right, at batch size 4 with a short last batch; at {where}): a "
                               "short last batch counts as much as a full one", "count the right answers over the whole set and "
                               "divide by its size", TEST_KEY + ", `correct / seen`"),
    "loss_tensor": Slip("loss", "the {part} loss is returned as a {type}, not a number (made at {where})",
                        "return `loss.item()` sums as Python numbers", TEST_KEY),
    "accuracy_tensor": Slip("accuracy", "the {part} accuracy is returned as a {type}, not a number (made at {where})",
                            "return a Python number: `.item()` on the count", TEST_KEY),
    "accuracy_not_percent": Slip("accuracy", "the {part} accuracy is a fraction ({got:.4g} where {right:.4g} percent is "
                                 "right; at {where})", "return the accuracy in percent",
                                 "the course's `run_model` docstring"),
    "accuracy_wrong": Slip("accuracy", "the {part} accuracy is {got:.4g} where {right:.4g} percent is right (at {where})",
                           "count `(outputs.argmax(1) == labels).sum()` over the set, divide by its size, times 100",
                           TEST_KEY),
    "loss_not_mean": Slip("loss", "the {part} loss is {got:.4g} where every image's loss is {expected:g}, so that their "
                          "mean is {expected:g} (at {where})", "add `loss.item() * len(labels)` over the batches and "
                          "divide by the set's size", TEST_KEY + ", `loss_sum / seen`"),
    "eval_forgotten": Slip("test_pass", "the {part} pass runs the model in training mode (`model.eval()` is missing; "
                           "the model is called at {where}): harmless here, since these networks have no dropout or batch "
                           "norm, but a network with either would be tested with them training",
                           "call `model.eval()` before testing", TEST_KEY + ", `model.eval()`", row="eval_forgotten"),
    "no_grad_missing": Slip("test_pass", "the {part} pass runs with autograd on (no `torch.no_grad()`; the model is "
                            "called at {where}): harmless to the numbers, since nothing calls backward there, but autograd "
                            "records every operation of every batch, which costs memory and time",
                            "wrap the test loop in `with torch.no_grad():`", TEST_KEY + ", `@torch.no_grad()`"),
}

