"""Q1–Q3 in words: tensors, automatic differentiation with its measured cost, and why PyTorch
has its own tensor type. Facts from q02_autograd.py (results/q02.json)."""
from __future__ import annotations

# tested: tests/test_theory.py::test_q1_views_share_memory_and_reshape_copies_a_transposed_tensor
Q1 = ("A tensor is an n-dimensional array of numbers of one type: a scalar has 0 dimensions, a vector 1, a matrix 2, "
      "a batch of RGB images 4 (`[N, C, H, W]`). A `torch.Tensor` stores its values in one block of memory and "
      "describes them with a `dtype`, a `shape` and `strides` (so transposing, slicing and `view` give views that "
      "share that memory without copying; `reshape` gives a view when the strides allow one and a copy otherwise, as "
      "after a transpose, where `view` refuses), lives on a `device` (CPU or GPU), and can record the operations "
      "applied to it for automatic differentiation (`requires_grad`). Every input, weight, activation and gradient in "
      "the scripts here is one.")

Q2 = ("Automatic differentiation computes exact derivatives of a program by applying the chain rule to each elementary "
      "operation it performs. In PyTorch, `autograd` records the operations of the forward pass as a graph; "
      "`loss.backward()` walks that graph from the loss back to the inputs, multiplying local derivatives (reverse-mode "
      "autodiff), and leaves dL/dθ in each parameter's `.grad`. Back-propagation *is* reverse-mode automatic "
      "differentiation applied to a neural network's loss: one backward pass yields the gradient of every parameter at "
      "once, at a cost of the same order as the forward pass (measured below on two networks). "
      "Gradient descent is the separate step that *uses* those gradients: θ ← θ − lr·∇θL (`torch.optim.SGD`). "
      "Autodiff and back-propagation answer \"which way is downhill\"; gradient descent takes the step.\n\n"
      "Why it matters to PyTorch: a model is an ordinary Python forward function, with loops, branches and any "
      "tensor operation, and autograd records whatever ran, afresh at every call. So every model written in plain "
      "Python gets exact gradients with no hand-derived backward code, and changing the model never means "
      "re-deriving its derivatives.")

# tested: tests/test_theory.py::test_q3_from_numpy_and_numpy_share_memory_on_the_cpu
Q3 = ("A NumPy array has no gradient tracking and runs only on the CPU. A `torch.Tensor` offers the same array "
      "operations plus (1) autograd: operations on tensors with `requires_grad=True` build the graph that `backward()` "
      "differentiates, which is what training needs; (2) devices: `.to('cuda')` moves data and computation to a GPU "
      "with the same code; (3) the ecosystem: `nn.Module` layers, losses, optimizers and `DataLoader` all take and "
      "return tensors. Conversion is cheap when needed: `torch.from_numpy` and `.numpy()` share memory on the CPU.")

def gradient_check(facts: dict) -> str:
    return (f"`q02_autograd.py` checks this on a 3-4-2 tanh network: autograd's gradient of all {facts['parameters']} "
            f"parameters agrees with central finite differences to {facts['max_abs_difference']:.1e} (largest gradient "
            f"{facts['largest_gradient']:.2f}), and one gradient-descent step with lr {facts['lr']:g} lowers the loss from "
            f"{facts['loss_before']:.4f} to {facts['loss_after_one_step']:.4f}.")


def counted_ratio(row: dict) -> float:
    """Backward multiply-adds over forward multiply-adds for one network."""
    return row["multiply_adds"]["backward"] / row["multiply_adds"]["forward"]


def short_name(row: dict) -> str:
    """'MLP' or 'CNN' from the network's full name ('MNIST MLP 784→128→64→10')."""
    return row["network"].split(" ")[1]


def backward_cost(rows: list[dict]) -> str:
    """The measured backward/forward ratio against the multiply-add count, and why they differ.
    The table's ratio is the median over blocks of each block's own ratio (both passes timed in
    the same block, under the same load), so it need not equal the ratio of the two medians
    beside it; the words say so."""
    table = ["| network | batch | forward (µs, median) | backward (µs, median) | backward / forward, measured (median "
             "of the blocks' ratios) | backward / forward, multiply-adds | first layer's share of the multiply-adds |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        table.append(f"| {r['network']} | {r['batch']} | {r['forward_us']:.0f} | {r['backward_us']:.0f} | "
                     f"**{r['ratio']:.2f}×** | {counted_ratio(r):.2f}× | {r['multiply_adds']['first_layer_share']:.0%} |")
    each = "; ".join(f"the {short_name(r)}'s backward pass does {counted_ratio(r):.2f}× the multiply-adds of its forward "
                     f"pass and takes {r['ratio']:.2f}× its time" for r in rows)
    slower = all(r["ratio"] > counted_ratio(r) for r in rows)
    shortest = min(rows, key=lambda r: r["forward_us"])
    least = min(rows, key=counted_ratio)
    text = (f"How much does the backward pass cost? Timed separately on one thread in {rows[0]['repeats']} blocks of "
            f"{rows[0]['steps']} passes (forward: network and loss; backward: `loss.backward()`); each time is the median "
            f"over the blocks, and the measured ratio is the median of the blocks' own ratios, which can differ a little "
            f"from the ratio of the two medians shown:\n\n" + "\n".join(table) +
            "\n\nThe textbook figure is about 2×: for each layer the backward pass computes two products as large as the "
            "forward one, one for the gradient of the layer's input (to pass further back) and one for the gradient of "
            "its weights. The first layer is the exception: the images need no gradient, so it computes only its "
            "weights' gradient. That is why the multiply-add count gives less than 2× here, and least for the "
            f"{short_name(least)}, whose first layer holds {least['multiply_adds']['first_layer_share']:.0%} of its "
            f"multiply-adds. Measured, " + each + ". "
            + ("So each backward multiply-add took longer than a forward one" if slower else
               "So per multiply-add the two passes ran at different speeds")
            + f". Why is not measured here: likely causes are the autograd engine's fixed cost per operation, which "
              f"would weigh most in the shortest passes (the {short_name(shortest)}'s {shortest['forward_us']:.0f} µs "
              f"forward and {shortest['backward_us']:.0f} µs backward), and the speed of each backward kernel.")
    return text + " Either way one backward pass costs a small multiple of one forward pass, not one pass per parameter."


def render(facts: dict) -> dict[str, str]:
    return {"Q1": Q1, "Q2": f"{Q2}\n\n{gradient_check(facts)}\n\n{backward_cost(facts['backward_cost'])}", "Q3": Q3}
