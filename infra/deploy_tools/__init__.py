"""Tools for a deployed stack, runnable with python3 alone: the region check and the smoke test."""
