"""The matching engine: pure functions and dataclasses over numpy/scipy.

Nothing here imports Flask, SQLAlchemy or any other layer of ours (a test enforces it).
"""
