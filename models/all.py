"""Import every entity module so that ``Base.metadata`` knows all tables."""
from models import auth, employer, placement, posting, region, registry, taxonomy, worker  # noqa: F401
