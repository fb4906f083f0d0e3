"""Reference data loaders and the deterministic synthetic labour-cooperation world."""
