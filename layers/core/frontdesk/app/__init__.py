"""Use cases: load, apply the domain, save through ports (one module per desk)."""
