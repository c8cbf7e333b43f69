"""The rules layer: the rules that decide a verdict, with their stated cuts, which the words
(answers/) and the checker (checker/) share."""
