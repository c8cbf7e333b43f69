"""Code shared by the question scripts: one model file, one training loop, one place for CLI and output plumbing."""
