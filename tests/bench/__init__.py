"""Benchmarks (`make bench` = `python -m tests.bench`); see docs/benchmarks.md."""
