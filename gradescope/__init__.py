"""Gradescope's autograder for check_homework.py: `build.py` makes the zip (`make gradescope`) from `setup.sh`, `run_autograder`, `rubric.json` and the key."""
