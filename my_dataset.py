"""MyDataset: the torch Dataset the homework's hint asks for, over in-memory features and labels."""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset


class MyDataset(Dataset):
    """(features, label) pairs held as two tensors: `x` as float32 and `y` as int64, the dtypes
    nn.Linear/nn.Conv2d and CrossEntropyLoss expect. A DataLoader fetches one example per
    __getitem__ call and stacks them into batches."""

    def __init__(self, x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor):
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.int64)
        if len(self.x) != len(self.y):
            raise ValueError(f"MyDataset: {len(self.x)} examples but {len(self.y)} labels")

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[index], self.y[index]
