"""The course's skeleton, untouched."""
from torch.utils.data import Dataset


class MyDataset(Dataset):
    def __init__(self, X, y):
        raise NotImplementedError()

    def __len__(self):
        raise NotImplementedError()

    def __getitem__(self, index):
        raise NotImplementedError()
