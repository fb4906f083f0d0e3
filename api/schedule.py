"""Every scheduled job of the service, imported from the domain that defines it.

Importing a ``scheduled`` module registers its jobs (``models.scheduling.runner.job``);
``jingmeng scheduler``, ``jingmeng jobs run`` and ``/api/v1/jobs`` import this list.
"""
from models.access import scheduled as access_jobs
from models.notifications import scheduled as notifications_jobs
from models.placements import scheduled as placements_jobs
from models.postings import scheduled as postings_jobs
from models.scheduling.runner import JOBS
from models.subsidies import scheduled as subsidies_jobs
from training import scheduled as ranking_jobs

__all__ = ["JOBS", "access_jobs", "notifications_jobs", "placements_jobs", "postings_jobs", "ranking_jobs", "subsidies_jobs"]
