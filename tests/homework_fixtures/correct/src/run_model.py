"""A correct solution: the textbook SGD step and the homework's stopping rule."""
import torch
from torch.utils.data import DataLoader


def run_model(model, running_mode='train', train_set=None, valid_set=None, test_set=None,
              batch_size=1, learning_rate=0.01, n_epochs=1, stop_thr=1e-4, shuffle=True):
    if running_mode == 'test':
        return _test(model, DataLoader(test_set, batch_size=batch_size, shuffle=False))
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=shuffle)
    loss = {'train': [], 'valid': []}
    acc = {'train': [], 'valid': []}
    patience = 0
    for _ in range(n_epochs):
        model, train_loss, train_acc = _train(model, train_loader, optimizer)
        loss['train'].append(train_loss)
        acc['train'].append(train_acc)
        if valid_set is not None:
            valid_loss, valid_acc = _test(model, DataLoader(valid_set, batch_size=batch_size, shuffle=False))
            loss['valid'].append(valid_loss)
            acc['valid'].append(valid_acc)
            if len(loss['valid']) > 1:
                patience = patience + 1 if loss['valid'][-2] - loss['valid'][-1] <= stop_thr else 0
            if patience >= 3:
                break
    return model, loss, acc


def _train(model, data_loader, optimizer):
    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    total, correct, count = 0.0, 0, 0
    for inputs, labels in data_loader:
        optimizer.zero_grad()
        outputs = model(inputs.float())
        loss = loss_fn(outputs, labels.long())
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
        correct += (outputs.argmax(1) == labels).sum().item()
        count += len(labels)
    return model, total / count, 100 * correct / count


def _test(model, data_loader):
    model.eval()
    loss_fn = torch.nn.CrossEntropyLoss()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for inputs, labels in data_loader:
            outputs = model(inputs.float())
            total += loss_fn(outputs, labels.long()).item() * len(labels)
            correct += (outputs.argmax(1) == labels).sum().item()
            count += len(labels)
    return total / count, 100 * correct / count
