"""Endpoint × role tables, one module per area, merged by tests/api/test_roles.py.

Each module defines ``ALLOWED`` ("METHOD rule" → roles that may call it) and
``make_ids(api) -> dict`` returning real ids for the ``<int:name>`` placeholders its rules use.
"""
