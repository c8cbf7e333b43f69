#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu): Python 3.11
# or newer and the key's pinned packages, torch as its CPU build (Gradescope has no GPU).
# AUTOGRADER_ROOT defaults to Gradescope's root, as in run_autograder.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
apt-get install -y python3 python3-pip python3-venv
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/pip" install --index-url https://download.pytorch.org/whl/cpu torch==2.14.1 torchvision==0.29.1
"$ROOT/venv/bin/pip" install -r "$ROOT/source/requirements.txt"
