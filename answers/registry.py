"""The one table of questions: which script answers which question under which heading, with
which figures, on which data, and how it runs in `--quick` mode. `run_all.py`, the answer
sheet and the tests all read it."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Question:
    number: str  # "Q11", or an appendix's name ("Beyond", "Mistakes"): shown only once its script has run
    heading: str
    figures: tuple[tuple[str, str], ...] = ()  # (file in figures/, caption)


@dataclass(frozen=True)
class Script:
    """A question script, its results file (results/{name}.json, rendered by answers/{name}.py)
    and what it needs to run."""

    file: str
    name: str
    questions: tuple[Question, ...]
    data: str = ""  # "mnist", "dogset" or "" (needs nothing)
    seeds: str = "none"  # "many" (--seeds), "one" (--seed) or "none"
    quick_args: tuple[str, ...] = ()
    in_reproduce: bool = True  # False: only `make beyond` or `make mistakes` runs it
    code: str = ""  # where in the script its PyTorch is: the README's table and each answer's provenance line name it

    @property
    def renderer(self) -> ModuleType:
        """answers/{name}.py: this script's words and figures."""
        return importlib.import_module(f"answers.{self.name}")


def Q(number: str, heading: str, *figures: tuple[str, str]) -> Question:
    return Question(number, heading, tuple(figures))


# In the order run_all.py runs them: q11 before q15 (Q15 compares with the MLP), q15 before q08
# and q18 (they reuse its CNNs).
SCRIPTS = (
    Script("q02_autograd.py", "q02", (
        Q("Q1", "Tensors"),
        Q("Q2", "Automatic differentiation, back-propagation and gradient descent"),
        Q("Q3", "Why torch.Tensor and not a NumPy array")), seeds="one", quick_args=("--timing-steps", "5"),
        code="`finite_difference_gradients`, `time_passes`"),
    Script("q04_mnist_time.py", "q04", (
        Q("Q4", "Training time against training-set size", ("q04_training_time.png", "training time against training-set size"),
          ("q04_loss_curves.png", "training loss per epoch")),
        Q("Q5", "Extrapolating to all 60,000 examples")),
        data="mnist", seeds="many", quick_args=("--sizes", "50", "100", "--epochs", "2"),
        code="`HOMEWORK` and `train`, with `Digit_Classifier` and `run_model.fit`"),
    Script("q06_mnist_acc.py", "q06", (
        Q("Q6", "Test accuracy against training-set size", ("q06_accuracy.png", "test accuracy against training-set size")),
        Q("Q7", "What the accuracy trend says")),
        data="mnist", seeds="many", quick_args=("--sizes", "50", "100", "--epochs", "2"),
        code="`HOMEWORK`, `train` and `evaluate_on_test`, with `Digit_Classifier` and `run_model.fit`"),
    Script("q13_conv_shape.py", "q13", (Q("Q13", "Output shape of Conv2d"),), code="`conv2d_output_shape`"),
    Script("q11_dog_mlp.py", "q11", (
        Q("Q10", "Weights of the DogSet MLP"),
        Q("Q11", "Training the MLP", ("q11_loss.png", "training and validation loss per epoch"),
          ("q11_accuracy.png", "training and validation accuracy per epoch")),
        Q("Q12", "Reading the curves")),
        data="dogset", seeds="many", quick_args=("--epochs", "2"),
        code="`HOMEWORK`, `dog_tensors`, `train` and `evaluate_on_test`, with `Dog_Classifier_FC`, `EarlyStopping` and `run_model.fit`"),
    Script("q15_dog_cnn.py", "q15", (
        Q("Q14", "A two-layer convolutional network"),
        Q("Q15", "Training the CNN", ("q15_loss.png", "training and validation loss per epoch"),
          ("q15_accuracy.png", "training and validation accuracy per epoch"))),
        data="dogset", seeds="many", quick_args=("--epochs", "2", "--jobs", "1"),  # q11's quick run covers the worker processes
        code="`HOMEWORK`, `dog_tensors`, `train` and `evaluate_on_test`, with `Dog_Classifier_Conv`, `EarlyStopping` and `run_model.fit`"),
    Script("q08_dog_explore.py", "q08", (
        Q("Q8", "What is in DogSet", ("q08_counts.png", "images per breed and partition"),
          ("q08_samples.png", "sample training images of each breed")),
        Q("Q9", "Three challenging images of one breed",
          ("q09_challenging.png", "the hardest validation images of the chosen breed"))),
        data="dogset", seeds="many", quick_args=("--epochs", "2"), code="`explore`, `hardest_images`"),
    Script("q16_perceptron.py", "q16", (Q("Q16", "Can a network of perceptrons compute any Boolean function?"),),
           quick_args=("--max-n", "5", "--exhaustive-n", "3"), code="`PerceptronNetwork`, `build_network`"),
    Script("q17_linear.py", "q17", (Q("Q17", "Does a deep network with linear activations add power?"),),
           seeds="one", quick_args=("--starts", "2", "--steps", "300"), code="`collapse`, `train_on_xor`"),
    Script("q18_adversarial.py", "q18", (
        Q("Q18", "Adversarial examples from gradients", ("q18_accuracy_vs_eps.png", "test accuracy against epsilon"),
          ("q18_examples.png", "original, perturbation and adversarial images")),),
        data="mnist", seeds="one", quick_args=("--mnist-size", "100", "--mnist-epochs", "2", "--dog-epochs", "2", "--pgd-steps", "2"),
        code="`input_gradient`, `fgsm`, `pgd`"),
    Script("beyond_dog_cnn.py", "beyond", (
        Q("Beyond", "Beyond the homework: a modern small CNN on the same DogSet",
          ("beyond_accuracy.png", "test accuracy per rung"), ("beyond_recall.png", "per-breed recall of rungs 0, 2, 4 and 5"),
          ("beyond_curves.png", "training and validation loss per epoch, rung 2 against the augmented rung 5")),),
        data="dogset", seeds="one", in_reproduce=False, code="`modern_dog_cnn`, `modern_training`"),
    Script("mistakes.py", "mistakes", (
        Q("Mistakes", "Common mistakes and what they do",
          ("mistakes.png", "each answer's correct value against each mistake, mean ± sd over seeds")),),
        data="dogset", seeds="many", in_reproduce=False, code="`train`, `view_not_permute`, `one_network_for_every_size`"),
)

def sheet_order() -> list[tuple[Script, Question]]:
    """Every question with its script, Q1 to Q18 and then the appendix."""
    order = {f"Q{n}": n for n in range(1, 19)}
    pairs = [(s, q) for s in SCRIPTS for q in s.questions]
    return sorted(pairs, key=lambda pair: order.get(pair[1].number, 99))
