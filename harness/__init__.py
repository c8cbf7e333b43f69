"""The harness: the orchestration around the question scripts' recipes, which a reader learning
PyTorch may skip. The scripts' flags and settings (cli), which subsets each seed draws and calling a
recipe per size or seed (mnist_runs, dog_runs), worker processes, saved models (checkpoints) and
what scripts share between parsing and publishing (drivers). It never changes a recipe's
arithmetic; the PyTorch itself is in the scripts, models.py and run_model.py, and the utilities
every layer uses are in common/."""
