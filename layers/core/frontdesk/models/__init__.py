"""Pydantic models: stored items, API inputs and outputs."""
