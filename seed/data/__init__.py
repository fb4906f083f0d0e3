"""Shipped reference data (YAML) for occupations, skills and labour brands."""
