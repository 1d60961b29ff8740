"""Benchmarks. `make bench` runs `bench.lifecycle` and every other module here with a `__main__` guard."""

# The human steps a lifecycle benchmark judges, in lifecycle order (submit is shown, not judged).
HUMAN_STEPS = ["claim", "check_dossier", "survey", "evaluate", "recognise", "replicate"]
