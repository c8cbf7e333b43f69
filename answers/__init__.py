"""The words of the answer sheet: one renderer per question script, each a function from the
facts its script stored in results/*.json to Markdown. Nothing here imports torch or
matplotlib at import time, so `make_answers.py` re-renders the sheet in seconds anywhere."""
