"""Subsidy policies, eligibility rules, claims and the daily eligibility check."""
