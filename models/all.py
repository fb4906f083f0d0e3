"""Import every entity module so that ``Base.metadata`` knows all tables."""
from models import (auth, employer, fair, jobs, outbox, placement, posting, region, registry,  # noqa: F401
                    subsidy, taxonomy, worker)
