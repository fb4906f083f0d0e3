"""Import every entity module so that ``Base.metadata`` knows all tables."""
from models import (auth, employer, jobs, outbox, placement, posting, region, registry, subsidy,  # noqa: F401
                    taxonomy, worker)
