"""One blueprint module per resource."""
from api.resources import employers, health, postings, regions, workers

ALL_BLUEPRINTS = [health.blp, regions.blp, workers.blp, employers.blp, postings.blp]
