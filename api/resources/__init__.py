"""One blueprint module per resource."""
from api.resources import (applications, claims, employers, fair_plans, fairs, health, imports, jobs,
                           matches, models_admin, placements, postings, regions, reports, subsidies,
                           taxonomy, workers)

ALL_BLUEPRINTS = [
    health.blp, regions.blp, workers.blp, employers.blp, postings.blp, imports.blp,
    matches.blp, models_admin.blp, applications.blp, placements.blp, reports.blp,
    subsidies.blp, claims.blp, jobs.blp, fairs.blp, fair_plans.blp, taxonomy.blp,
]
