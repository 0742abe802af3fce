"""Server-rendered pages (Jinja2 + htmx), in Bahasa Indonesia with English selectable."""

from terpadu.web.pages.admin import router as admin_router
from terpadu.web.pages.routes import router
from terpadu.web.pages.verval import router as verval_router

router.include_router(admin_router)
router.include_router(verval_router)

__all__ = ["router"]
