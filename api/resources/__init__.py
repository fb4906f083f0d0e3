"""One blueprint module per resource."""
from api.resources import (applications, claims, employers, fair_plans, fairs, health, imports, jobs,
                           matches, placements, postings, rankers, regions, reports, subsidies,
                           taxonomy, workers)

ALL_BLUEPRINTS = [
    health.blp, regions.blp, taxonomy.blp, workers.blp, employers.blp, postings.blp, imports.blp,
    matches.blp, rankers.blp, applications.blp, placements.blp, reports.blp,
    subsidies.blp, claims.blp, jobs.blp, fairs.blp, fair_plans.blp,
]
