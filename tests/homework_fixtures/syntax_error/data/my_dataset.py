"""Fixture 'syntax_error': the correct solution with one slip (marked 'the slip')."""
from torch.utils.data import Dataset


class MyDataset(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        return self.x[index], self.y[index]
