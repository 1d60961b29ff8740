"""Benchmarks. `make bench` runs `bench.lifecycle` and every other module here with a `__main__` guard."""
