"""`python -m bench`: run the benchmark harness (bench/run.py)."""

from .run import main

main()
