"""Roster import and export (花名册导入导出) for workers and postings.

Pure parts — reading uploads (``reader``), converting cells (``cells``), the column
specifications (``worker_columns``, ``posting_columns``), row validation with the API's own
marshmallow schemas (``rows``), the report and writers (``report``, ``writers``) — are kept
apart from the parts that touch the database (``import_workers``, ``import_postings``).
"""
