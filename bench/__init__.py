"""Benchmarks of the production stack (issue 7): `python -m bench --help`."""
