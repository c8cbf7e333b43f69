# Two commands: `make reproduce` (every answer, figure and ANSWERS.md) and `make test`;
# `make beyond` adds the beyond-the-homework ladder, `make mistakes` the measured common mistakes,
# `make answers` re-renders ANSWERS.md from results/ without training, `make check HOMEWORK=PATH`
# checks a student's repository, `make gradescope` builds Gradescope's autograder (with DogSet
# when DOGSET_DIR is set). All create .venv on first use and reinstall when
# requirements.txt changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: reproduce quick beyond mistakes answers test bench check gradescope clean-cache

reproduce: $(VENV)/.installed
	$(PY) run_all.py

quick: $(VENV)/.installed
	$(PY) run_all.py --quick

beyond: $(VENV)/.installed
	$(PY) beyond_dog_cnn.py

mistakes: $(VENV)/.installed
	$(PY) mistakes.py

answers: $(VENV)/.installed
	$(PY) make_answers.py

test: $(VENV)/.installed
	PYTHONDONTWRITEBYTECODE=1 $(PY) -m pytest -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder

check: $(VENV)/.installed
	@test -n "$(HOMEWORK)" || { echo "error: give the repository to check: make check HOMEWORK=PATH" >&2; exit 2; }
	$(PY) check_homework.py $(HOMEWORK)

gradescope: $(VENV)/.installed
	$(PY) gradescope/build.py

bench: $(VENV)/.installed
	$(PY) bench/bench_train_loop.py
	$(PY) bench/bench_evaluate.py
	$(PY) bench/bench_dogset.py
	$(PY) bench/bench_modern_cnn.py
	$(PY) bench/bench_reproduce.py
	$(PY) bench/bench_tests.py
	$(PY) bench/bench_check.py

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean-cache:
	rm -rf .cache checkpoints runs
