"""Job postings (招聘岗位) and their expiry."""
