"""The benchmark suite: `python -m bench` (see BENCHMARKS.md). Not part of the test run."""
