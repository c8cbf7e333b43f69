"""MyDataset: the torch Dataset the homework's hint asks for, over in-memory features and labels."""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset


class MyDataset(Dataset):
    """Pairs of (features, label) held as two tensors.

    `x` becomes float32 and `y` int64, the dtypes nn.Linear/nn.Conv2d and
    CrossEntropyLoss expect. Indexing returns one example, so it works with a plain
    `DataLoader`; the project's training loop instead slices `x` and `y` with a
    shuffled index per batch, which is the same arithmetic without per-example
    Python calls (see bench/bench_train_loop.py).
    """

    def __init__(self, x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor):
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.int64)
        if len(self.x) != len(self.y):
            raise ValueError(f"MyDataset: {len(self.x)} examples but {len(self.y)} labels")

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[index], self.y[index]

    def to(self, device: torch.device) -> "MyDataset":
        """The same data on another device (a no-op when already there)."""
        return MyDataset(self.x.to(device), self.y.to(device))
