"""Trained ranker versions (the model registry's table)."""
