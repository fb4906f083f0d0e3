"""Employers (用人单位): Beijing and local companies that post jobs."""
