"""Import every table module so that ``Base.metadata`` knows all tables (migrations, tests)."""
from models.access import rate_limits as _rate_limits, tables as _access  # noqa: F401
from models.employers import tables as _employers  # noqa: F401
from models.fairs import tables as _fairs  # noqa: F401
from models.notifications import tables as _notifications  # noqa: F401
from models.placements import tables as _placements  # noqa: F401
from models.postings import tables as _postings  # noqa: F401
from models.rankers import tables as _rankers  # noqa: F401
from models.reference import regions as _regions, taxonomy as _taxonomy  # noqa: F401
from models.scheduling import tables as _scheduling  # noqa: F401
from models.subsidies import tables as _subsidies  # noqa: F401
from models.workers import tables as _workers  # noqa: F401
