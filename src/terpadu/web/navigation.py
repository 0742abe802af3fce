"""The header's navigation: which pages each role sees, linked only once the page exists.

One table says which roles use which page daily; the layout (``base.html``) asks
:func:`nav_links` for the current user's entries. A page is linked only when the
application serves it (its path is among ``app.routes``), so an entry for a page
still being built never leads to a 404. The page itself still checks role and
region: the menu only spares people links they cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from terpadu.access import (
    ADMIN_PROVINSI,
    ADMIN_SISTEM,
    ANALIS_PUSAT,
    AUDITOR,
    OPERATOR_DESA,
    PEKERJA_SOSIAL,
    PETUGAS_SLRT,
    ROLES,
    VERIFIKATOR_KAB,
    allows,
)


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A menu entry: the page's path, its label key (``web.<key>``) and who sees it."""

    path: str
    key: str
    roles: frozenset[str]

    def current(self, path: str) -> bool:
        """True when ``path`` is this page or one below it (``/usulan/12`` under ``/usulan``)."""
        if self.path == "/":
            return path == "/"
        return path == self.path or path.startswith(self.path + "/")


def _holding(permission: Any) -> frozenset[str]:
    return frozenset(r for r in ROLES if allows(r, permission))


_EVERYONE: Final = frozenset(ROLES)
# Institutions and the social workforce: kept by kab/kota and province staff, planned from
# the centre (any account may still open them within its region). The province admin's
# and the kab/kota verifier's menus are full (a second line at 1280 px): the workforce is a
# link on the institutions page for them.
_SOCIAL: Final = frozenset({VERIFIKATOR_KAB, ADMIN_PROVINSI, ANALIS_PUSAT})
_WORKFORCE: Final = _SOCIAL - {ADMIN_PROVINSI, VERIFIKATOR_KAB}
# The registry's own pages: every role that works with the registry (not the system admin,
# whose daily work is accounts and the audit trail, nor the social-service desks).
_REGISTRY: Final = _EVERYONE - {ADMIN_SISTEM, PETUGAS_SLRT, PEKERJA_SOSIAL}
# The social-service desks (front office, caseworkers) look people up but keep no registry.
_SERVICE_DESKS: Final = frozenset({PETUGAS_SLRT, PEKERJA_SOSIAL})

NAV: Final[tuple[NavEntry, ...]] = (
    NavEntry("/", "dashboard", _EVERYONE),
    NavEntry("/cari", "search", _REGISTRY | _SERVICE_DESKS),
    NavEntry("/usulan", "verval", _REGISTRY),
    NavEntry("/impor", "import", _holding("import")),
    NavEntry("/tautan", "linkage", _REGISTRY),
    NavEntry("/program", "programs", _REGISTRY),
    NavEntry("/laporan", "reports", _REGISTRY),
    NavEntry(
        "/pengaduan",
        "nav.complaints",
        frozenset({OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI, PETUGAS_SLRT}),
    ),
    NavEntry("/lembaga", "socialpages.nav.institutions", _SOCIAL),
    NavEntry("/sdm", "socialpages.nav.workforce", _WORKFORCE),
    # The province supervises cases by their address, not daily from its (full) menu.
    NavEntry("/kasus", "cases.nav", frozenset({PETUGAS_SLRT, PEKERJA_SOSIAL, VERIFIKATOR_KAB})),
    NavEntry(
        "/edisi",
        "nav.editions",
        frozenset({ADMIN_PROVINSI, VERIFIKATOR_KAB, ANALIS_PUSAT, AUDITOR}),
    ),
    NavEntry(
        "/simulasi", "nav.simulation", frozenset({ADMIN_PROVINSI, VERIFIKATOR_KAB, ANALIS_PUSAT})
    ),
    NavEntry(
        "/rekonsiliasi/dukcapil", "nav.dukcapil", frozenset({VERIFIKATOR_KAB, ADMIN_PROVINSI})
    ),
    NavEntry(
        "/rekonsiliasi/pembayaran", "nav.payments", frozenset({VERIFIKATOR_KAB, ADMIN_PROVINSI})
    ),
    NavEntry("/audit", "nav.audit", frozenset({AUDITOR, ADMIN_PROVINSI, ADMIN_SISTEM})),
    NavEntry("/pengguna", "users", _holding("manage_users")),
)


def served_paths(app: Any) -> frozenset[str]:
    """The GET paths ``app`` serves (route templates, e.g. ``/usulan/{proposal_id}``),
    those of included routers too."""
    return frozenset(_get_paths(getattr(app, "routes", ()), ""))


def _get_paths(routes: Any, prefix: str) -> set[str]:
    paths: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        if included is not None:
            context = getattr(route, "include_context", None)
            inner = prefix + str(getattr(context, "prefix", "") or "")
            paths |= _get_paths(included.routes, inner)
            continue
        methods = getattr(route, "methods", None)
        if methods is None or "GET" in methods:
            paths.add(prefix + str(getattr(route, "path", "")))
    return paths


def entries_for(role: str, served: frozenset[str]) -> list[NavEntry]:
    """The menu of ``role``: its pages that ``served`` holds, in the table's order."""
    return [e for e in NAV if role in e.roles and e.path in served]


def nav_links(request: Any, user: Any) -> list[tuple[str, str, bool]]:
    """(path, label key, is-current) for the layout's menu; empty when nobody is logged in."""
    if user is None:
        return []
    path = request.url.path
    entries = entries_for(user.role, served_paths(request.app))
    return [(e.path, e.key, e.current(path)) for e in entries]
