"""The harness: the plumbing around the question scripts' recipes, which a reader learning
PyTorch may skip. Flags and settings (cli), which subsets each seed draws and calling a recipe
per size or seed (mnist_runs, dog_runs), worker processes, saved models (checkpoints), where
results go (outputs) and publishing (drivers). It never changes a recipe's arithmetic; the
PyTorch itself is in the scripts, models.py and run_model.py."""
