"""One blueprint module per resource."""
from api.resources import employers, health, matches, models_admin, postings, regions, workers

ALL_BLUEPRINTS = [
    health.blp, regions.blp, workers.blp, employers.blp, postings.blp,
    matches.blp, models_admin.blp,
]
