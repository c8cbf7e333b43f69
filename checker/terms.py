"""The rules a repository is checked against, as data: one `Term` per course term.

Terms of this course differ in how their CNN is built (this homework's kernel 5 at stride 2, or
another term's kernel 5 at stride 1 with a 2×2 max-pool after each conv), in their stopping rule
(3 epochs in a row here, 1 in another term's text) and in their batch size and learning rate.
`homework` is this key's own: its numbers are read from q11's and q15's HOMEWORK and from the
key's models, never written again here. Every report states the term it checked against.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path

from models import Dog_Classifier_Conv
from q11_dog_mlp import HOMEWORK
from q13_conv_shape import conv2d_output_shape


@dataclass(frozen=True)
class Term:
    """One term's rules: how its CNN is built and trained, and when training stops."""

    name: str
    title: str
    conv_kernel: int  # each of the CNN's two convs: kernel_size and stride as the skeleton's lists of pairs
    conv_stride: int
    conv_pool: int  # kernel (and stride) of the max-pool after each conv; 0 for none
    patience: int  # epochs in a row without a validation-loss decrease of more than min_delta
    min_delta: float
    batch_size: int
    lr: float
    epochs: int

    @property
    def conv_args(self) -> tuple[tuple, tuple]:
        """Dog_Classifier_Conv's arguments (kernel_size, stride) as the course's tests pass them: a pair per conv."""
        return ((self.conv_kernel,) * 2,) * 2, ((self.conv_stride,) * 2,) * 2

    def with_cnn_of(self, found: Term) -> Term:
        """This term with `found`'s CNN: what part 2 holds a repository to when only that CNN fits."""
        return replace(self, conv_kernel=found.conv_kernel, conv_stride=found.conv_stride, conv_pool=found.conv_pool,
                       title=f"{self.title}, with the CNN of {found.title}")

    def cnn_design(self) -> dict:
        """The term's CNN by the Q13 formula: the shapes after each conv (and pool), and its
        (weights, biases) with the key's channel counts and one linear layer to 10 logits."""
        key = Dog_Classifier_Conv()
        channels = [key.conv1.out_channels, key.conv2.out_channels]
        shape, chain, weights, biases, previous = (1, 3, 64, 64), [], 0, 0, 3
        for out in channels:
            shape = conv2d_output_shape(shape, out, self.conv_kernel, self.conv_stride)
            chain.append(list(shape[1:]))
            if self.conv_pool:
                shape = conv2d_output_shape(shape, out, self.conv_pool, self.conv_pool)
                chain.append(list(shape[1:]))
            weights += previous * out * self.conv_kernel ** 2
            biases += out
            previous = out
        flat = shape[1] * shape[2] * shape[3]
        return {"chain": chain, "flattened": flat, "weights": weights + flat * 10, "biases": biases + 10}

    def words(self) -> str:
        """The rules in one sentence, for the top of every report: 'the rules of this homework: …'."""
        pool = f", each followed by a {self.conv_pool}×{self.conv_pool} max-pool" if self.conv_pool else ""
        stop = "1 epoch" if self.patience == 1 else f"{self.patience} epochs in a row"
        return (f"the rules of {self.title}: the CNN's two convs built with kernel {self.conv_kernel} and stride "
                f"{self.conv_stride}{pool}; training stops after {stop} without a validation-loss decrease of more "
                f"than stop_thr; part 3 trains at batch size {self.batch_size}, learning rate {self.lr:g}, "
                f"at most {self.epochs} epochs")


def homework_term() -> Term:
    """This key's homework: q15's CNN (kernel and stride read off the key's model) and q11's settings."""
    conv = Dog_Classifier_Conv().conv1
    return Term("homework", "this homework", conv.kernel_size[0], conv.stride[0], 0, HOMEWORK.patience,
                HOMEWORK.min_delta, HOMEWORK.batch_size, HOMEWORK.lr, HOMEWORK.epochs)


def pool_term() -> Term:
    """Another term's text: kernel 5 at stride 1 with a 2×2 max-pool after each conv (its tests
    build `Dog_Classifier_Conv([(5,5),(5,5)], [(1,1),(1,1)])` ending in Linear(5408, 10)), and a
    stopping rule that stops after one epoch without a decrease."""
    return replace(homework_term(), name="pool", title="the max-pool term", conv_stride=1, conv_pool=2,
                   patience=1)


TERMS = {"homework": homework_term, "pool": pool_term}
ONE_EPOCH_TEXT = re.compile(r"from one epoch to the next is less than")


def term(name: str, **overrides: object) -> Term:
    """The named term with any of its values replaced (None leaves a value as it is)."""
    chosen = TERMS[name]()
    values = {k: v for k, v in overrides.items() if v is not None and v != getattr(chosen, k)}
    return replace(chosen, **values, title=chosen.title + " with " + ", ".join(
        f"{k.replace('_', ' ')} {v}" for k, v in values.items())) if values else chosen


@dataclass
class TermChoice:
    """The term a repository is held to: `fixed` when the user named it or the repository's own
    text says which (`reason`), else this homework's unless only another term's CNN builds."""

    term: Term
    others: dict[str, Term]
    fixed: bool = False
    reason: str = ""

    def conv_args(self) -> list:
        """(term name, Dog_Classifier_Conv's arguments) to try in order, the chosen term's first."""
        order = [self.term] + [t for name, t in self.others.items() if name != self.term.name]
        seen, args = set(), []
        for t in order:
            if t.conv_args not in seen:
                seen.add(t.conv_args)
                args.append((t.name, t.conv_args))
        return args


def choose(path: Path, name: str, **overrides: object) -> TermChoice:
    """The term named, else ('auto') the one the repository's own tests build their CNN for, else
    this homework's, which part 2 may still change when only another term's CNN fits; each with
    `overrides` (None leaves a value). Unless a term or patience is named, a run_model docstring
    that stops after one epoch (another term's text) sets the stopping rule."""
    stop_reason = ""
    if name == "auto" and overrides.get("patience") is None and one_epoch_docstring(path):
        overrides["patience"] = 1
        stop_reason = ("; the stopping rule is the repository's run_model docstring's: stop when the validation loss "
                       "changes by less than stop_thr from one epoch to the next")
    others = {t: term(t, **overrides) for t in TERMS}
    if name != "auto":
        return TermChoice(others[name], others, fixed=True, reason="named by --term")
    built = tests_build(path)
    for chosen in others.values():
        if built and built[0] == chosen.conv_args:
            return TermChoice(chosen, others, fixed=True, reason="the repository's own tests build `Dog_Classifier_Conv` "
                                                                 f"as that term does, at {built[1]}{stop_reason}")
    return TermChoice(others["homework"], others, reason=f"the default; another term's when only its CNN fits{stop_reason}")


def tests_build(path: Path) -> tuple[tuple, str] | None:
    """The (kernel_size, stride) with which the repository's own tests build Dog_Classifier_Conv,
    written out or through names assigned literally in the same file, and where."""
    for test in sorted((path / "tests").rglob("*.py")) if (path / "tests").is_dir() else []:
        try:
            tree = ast.parse(test.read_text(errors="replace"))
        except SyntaxError:
            continue
        for scope in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] + [tree]:
            named = {node.targets[0].id: node.value for node in ast.walk(scope)
                     if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}
            for node in ast.walk(scope):
                if (isinstance(node, ast.Call) and len(node.args) == 2
                        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Dog_Classifier_Conv"):
                    try:
                        kernel, stride = (ast.literal_eval(named.get(getattr(a, "id", None), a)) for a in node.args)
                        return (tuple(map(tuple, kernel)), tuple(map(tuple, stride))), f"{test.relative_to(path)}:{node.lineno}"
                    except (ValueError, TypeError):
                        continue
    return None


def one_epoch_docstring(path: Path) -> bool:
    """Whether the repository's run_model says, as another term's skeleton does, to stop after one epoch."""
    run_model = path / "src" / "run_model.py"
    text = run_model.read_text(errors="replace") if run_model.is_file() else ""
    return bool(ONE_EPOCH_TEXT.search(" ".join(text.split())))



