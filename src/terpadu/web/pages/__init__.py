"""Server-rendered pages (Jinja2 + htmx), in Bahasa Indonesia with English selectable."""

from terpadu.web.pages.admin import router as admin_router
from terpadu.web.pages.audit import router as audit_router
from terpadu.web.pages.cases import router as cases_router
from terpadu.web.pages.editions import router as editions_router
from terpadu.web.pages.explain import router as explain_router
from terpadu.web.pages.family import router as family_router
from terpadu.web.pages.listupload import router as listupload_router
from terpadu.web.pages.reconcile import router as reconcile_router
from terpadu.web.pages.reports import router as reports_router
from terpadu.web.pages.routes import router
from terpadu.web.pages.services import router as services_router
from terpadu.web.pages.simulation import router as simulation_router
from terpadu.web.pages.social import router as social_router
from terpadu.web.pages.tkpk import router as tkpk_router
from terpadu.web.pages.verval import router as verval_router

# Before the pages whose paths take an id (/lembaga/{id}, /pengaduan/{tracking}).
router.include_router(listupload_router)
router.include_router(reports_router)
router.include_router(tkpk_router)
router.include_router(admin_router)
router.include_router(explain_router)
router.include_router(family_router)
router.include_router(services_router)
router.include_router(cases_router)
router.include_router(editions_router)
router.include_router(audit_router)
router.include_router(reconcile_router)
router.include_router(simulation_router)
router.include_router(social_router)
router.include_router(verval_router)

__all__ = ["router"]
