"""A correct solution: the homework's three networks, logits out."""
import torch.nn as nn
import torch.nn.functional as F


class Digit_Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, inputs):
        x = F.relu(self.fc1(inputs))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Dog_Classifier_FC(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12288, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, inputs):
        x = inputs.reshape(inputs.shape[0], -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Dog_Classifier_Conv(nn.Module):
    def __init__(self, kernel_size, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size[0], stride[0])
        self.conv2 = nn.Conv2d(16, 32, kernel_size[1], stride[1])
        self.fc = nn.Linear(32 * 13 * 13, 10)

    def forward(self, inputs):
        x = inputs.permute(0, 3, 1, 2)
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(x.reshape(x.shape[0], -1))
