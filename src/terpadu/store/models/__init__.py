"""All tables of the system of record, one module per area.

Importing this package registers every table on ``Base.metadata`` (Alembic
compares against it), so each area's module is imported here.
"""

from terpadu.store.models import accounts as _accounts  # noqa: F401  (registers its table)
from terpadu.store.models import audit, registry, verval  # noqa: F401  (registers their tables)
from terpadu.store.models import cases as _cases  # noqa: F401
from terpadu.store.models import indicators as _indicators  # noqa: F401
from terpadu.store.models import linkage as _linkage  # noqa: F401
from terpadu.store.models import services as _services  # noqa: F401
from terpadu.store.models import social as _social  # noqa: F401
from terpadu.store.models import targeting as _targeting  # noqa: F401
from terpadu.store.models import web as _web  # noqa: F401
from terpadu.store.models import welfare as _welfare  # noqa: F401
from terpadu.store.models.registry import *  # noqa: F403  (the registry tables)

__all__ = registry.__all__
