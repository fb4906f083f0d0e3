"""Referrals, applications, placements and follow-up (推荐、录用、稳定就业跟踪)."""
