"""Q1–Q3 in words: tensors, automatic differentiation with its measured cost, and why PyTorch
has its own tensor type. Facts from q02_autograd.py (results/q02.json)."""
from __future__ import annotations

Q1 = ("A tensor is an n-dimensional array of numbers of one type: a scalar has 0 dimensions, a vector 1, a matrix 2, "
      "a batch of RGB images 4 (`[N, C, H, W]`). A `torch.Tensor` stores its values in one block of memory and "
      "describes them with a `dtype`, a `shape` and `strides` (so reshaping, transposing and slicing are views without "
      "copies), lives on a `device` (CPU or GPU), and can record the operations applied to it for automatic "
      "differentiation (`requires_grad`). Every input, weight, activation and gradient in the scripts here is one.")

Q2 = ("Automatic differentiation computes exact derivatives of a program by applying the chain rule to each elementary "
      "operation it performs. In PyTorch, `autograd` records the operations of the forward pass as a graph; "
      "`loss.backward()` walks that graph from the loss back to the inputs, multiplying local derivatives (reverse-mode "
      "autodiff), and leaves dL/dθ in each parameter's `.grad`. Back-propagation *is* reverse-mode automatic "
      "differentiation applied to a neural network's loss: one backward pass yields the gradient of every parameter at "
      "once, at a cost of the same order as the forward pass whatever the number of parameters (measured below). "
      "Gradient descent is the separate step that *uses* those gradients: θ ← θ − lr·∇θL (`torch.optim.SGD`). "
      "Autodiff and back-propagation answer \"which way is downhill\"; gradient descent takes the step.\n\n"
      "Why it matters to PyTorch: a model is an ordinary Python forward function, with loops, branches and any "
      "tensor operation, and autograd records whatever ran, afresh at every call. So every model written in plain "
      "Python gets exact gradients with no hand-derived backward code, and changing the model never means "
      "re-deriving its derivatives.")

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


def backward_cost(rows: list[dict]) -> str:
    """The measured backward/forward ratio, and why it is what it is."""
    table = ["| network | batch | forward (µs) | backward (µs) | backward / forward, measured | "
             "backward / forward, multiply-adds | first layer's share of the multiply-adds |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        macs = r["multiply_adds"]
        table.append(f"| {r['network']} | {r['batch']} | {r['forward_us']:.0f} | {r['backward_us']:.0f} | "
                     f"**{r['ratio']:.2f}×** | {macs['backward'] / macs['forward']:.2f}× | {macs['first_layer_share']:.0%} |")
    rates = ", ".join(f"{(r['multiply_adds']['backward'] / r['multiply_adds']['forward']) / r['ratio']:.0%} for the "
                      f"{r['network'].split(' ')[1]}" for r in rows)
    text = (f"How much does the backward pass cost? Timed separately on one thread, median of {rows[0]['repeats']} "
            f"blocks of {rows[0]['steps']} passes (forward: network and loss; backward: `loss.backward()`):\n\n"
            + "\n".join(table) +
            "\n\nThe textbook figure is about 2×: for each layer the backward pass computes two products as large as the "
            "forward one, one for the gradient of the layer's input (to pass further back) and one for the gradient of "
            "its weights. The first layer is the exception: the images need no gradient, so it computes only its "
            "weights' gradient. That is why the multiply-add count gives less than 2× here, and least for the MLP, "
            "whose first layer (784→128) holds most of its arithmetic. "
            + ("The measured ratios are higher than the count: " if all(r["ratio"] > r["multiply_adds"]["backward"] /
                                                                         r["multiply_adds"]["forward"] for r in rows)
               else "The measured ratios differ from the count: ")
            + f"the backward pass ran its multiply-adds at {rates} of the forward pass's rate, because at these sizes "
            "the autograd engine's fixed cost per operation (which weighs most in the MLP's passes of a few tens of "
            "µs) and the speed of each backward kernel count as well as the arithmetic.")
    return text + " Either way one backward pass costs a small multiple of one forward pass, not one pass per parameter."


def render(facts: dict) -> dict[str, str]:
    return {"Q1": Q1, "Q2": f"{Q2}\n\n{gradient_check(facts)}\n\n{backward_cost(facts['backward_cost'])}", "Q3": Q3}
