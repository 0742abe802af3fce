"""Who may do what, where: actors, roles, permissions, NIK masking and region scope.

An :class:`Actor` is a username acting in a role over a region: the web maps a
logged-in user to one, and so does the CLI for the account it runs as
(``terpadu login`` or ``TERPADU_TOKEN``; :mod:`terpadu.cli.account`). A region scope is a region code
and everything below it (:func:`terpadu.regions.is_within`); national roles may
have no region (the whole country).

NIK masking: roles that register, verify or approve people's data in their own
region (``operator_desa``, ``verifikator_kab``, ``admin_provinsi``) see full
NIKs; ``analis_pusat``, ``auditor`` and ``admin_sistem`` see ``3604********0001``.
Anyone may still search by a full NIK; the answer is masked for them.

Accounts: ``manage_users`` lets an ``admin_provinsi`` manage the accounts within
its province and the national ``admin_sistem`` manage every account
(:mod:`terpadu.accounts.admin`); ``admin_sistem`` changes nothing in the registry.

The web, the CLI and the domain ask here; none of them keeps its own copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, Protocol

from terpadu.errors import TerpaduError
from terpadu.files import clean_table, read_table
from terpadu.layouts import KELUARGA_COLUMNS
from terpadu.regions import RegionCodeError, is_within, normalize_code

OPERATOR_DESA: Final = "operator_desa"
VERIFIKATOR_KAB: Final = "verifikator_kab"
ADMIN_PROVINSI: Final = "admin_provinsi"
ANALIS_PUSAT: Final = "analis_pusat"
AUDITOR: Final = "auditor"
ADMIN_SISTEM: Final = "admin_sistem"

ROLES: Final[tuple[str, ...]] = (
    OPERATOR_DESA,
    VERIFIKATOR_KAB,
    ADMIN_PROVINSI,
    ANALIS_PUSAT,
    AUDITOR,
    ADMIN_SISTEM,
)
ROLE_LABELS: Final[dict[str, str]] = {
    OPERATOR_DESA: "operator desa/kelurahan",
    VERIFIKATOR_KAB: "verifikator kabupaten/kota",
    ADMIN_PROVINSI: "admin provinsi",
    ANALIS_PUSAT: "analis pusat",
    AUDITOR: "auditor",
    ADMIN_SISTEM: "admin sistem",
}
# Roles whose scope may be the whole country (no region code).
NATIONAL_ROLES: Final = frozenset({ANALIS_PUSAT, AUDITOR, ADMIN_SISTEM})

Permission = Literal[
    "see_full_nik", "import", "propose", "read_only", "manage_users", "run_jobs", "publish"
]
# Which roles hold each permission ("read_only": may look but change nothing).
_PERMISSIONS: Final[Mapping[Permission, frozenset[str]]] = {
    "see_full_nik": frozenset({OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI}),
    "import": frozenset({OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI}),
    "propose": frozenset({OPERATOR_DESA}),
    "read_only": frozenset({AUDITOR, ANALIS_PUSAT, ADMIN_SISTEM}),
    # Accounts: a province admin within its province, the system admin everywhere.
    "manage_users": frozenset({ADMIN_PROVINSI, ADMIN_SISTEM}),
    # Registry-wide jobs: linkage and its review, Dukcapil checks, ranking, targeting, payments.
    "run_jobs": frozenset({VERIFIKATOR_KAB, ADMIN_PROVINSI}),
    # Freezing an edition of the registry.
    "publish": frozenset({ADMIN_PROVINSI}),
}


class PermissionDenied(TerpaduError):
    """The actor's role or region does not allow this action."""

    code = "permission_denied"


class HasRole(Protocol):
    """Anyone acting in a role: an :class:`Actor`, the web's logged-in user."""

    @property
    def role(self) -> str: ...


def allows(role: str, permission: Permission) -> bool:
    """True when ``role`` holds ``permission``."""
    return role in _PERMISSIONS[permission]


def covers(region: str | None, code: str | None) -> bool:
    """True when ``code`` lies within the scope ``region`` (``None``: the whole country)."""
    if region is None:
        return True
    return code is not None and is_within(code, region)


@dataclass(frozen=True, slots=True)
class Actor:
    """A user acting in a role over a region (``None`` region: the whole country)."""

    username: str
    role: str
    region: str | None = None

    def __post_init__(self) -> None:
        if not self.username.strip():
            raise PermissionDenied("Nama pengguna kosong.")
        if self.role not in ROLES:
            raise PermissionDenied(
                f"Peran '{self.role}' tidak dikenal; pilih salah satu: {', '.join(ROLES)}."
            )
        if self.region in (None, "", "nasional"):
            if self.role not in NATIONAL_ROLES:
                raise PermissionDenied(
                    f"Peran {ROLE_LABELS[self.role]} harus punya kode wilayah (--region)."
                )
            object.__setattr__(self, "region", None)
            return
        try:
            object.__setattr__(self, "region", normalize_code(str(self.region)))
        except RegionCodeError as exc:
            raise PermissionDenied(str(exc)) from exc

    def covers(self, code: str | None) -> bool:
        """True when ``code`` lies within this actor's region."""
        return covers(self.region, code)

    def require_region(self, code: str | None) -> None:
        """Raise :class:`PermissionDenied` unless ``code`` is within the actor's region."""
        if not self.covers(code):
            raise PermissionDenied(
                f"Wilayah {code or '-'} di luar wilayah kerja {self.username} ({self.region})."
            )

    def require(self, permission: Permission, *, doing: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor's role holds ``permission``."""
        self.require_role(*sorted(_PERMISSIONS[permission]), doing=doing)

    def require_role(self, *roles: str, doing: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = ", ".join(ROLE_LABELS[r] for r in roles)
            raise PermissionDenied(
                f"Peran {ROLE_LABELS[self.role]} tidak boleh {doing}; hanya {allowed}."
            )


def mask_nik(nik: str | None) -> str | None:
    """``3604051507870001`` → ``3604********0001``; other lengths keep only the last 4 digits."""
    if not nik:
        return nik
    if len(nik) == 16:
        return f"{nik[:4]}{'*' * 8}{nik[-4:]}"
    return "*" * max(len(nik) - 4, 0) + nik[-4:]


def show_nik(viewer: HasRole, nik: str | None) -> str | None:
    """The NIK as ``viewer`` may see it."""
    return nik if allows(viewer.role, "see_full_nik") else mask_nik(nik)


def require_import_region(actor: Actor, keluarga: Path, sheet: str | None = None) -> None:
    """Refuse a keluarga file with families outside the actor's region.

    An operator cannot load another desa's families; a national actor may load any.
    """
    if actor.region is None:
        return
    raw = read_table(keluarga, sheet, report_long_rows=True)
    clean = clean_table(raw, KELUARGA_COLUMNS, dt.date.today())
    if "kode_wilayah" not in clean.values.columns:
        return
    codes = clean.values["kode_wilayah"].drop_nulls().unique().to_list()
    outside = sorted(c for c in codes if not str(c).startswith(actor.region))
    if outside:
        shown = ", ".join(outside[:5])
        raise PermissionDenied(
            f"Berkas memuat keluarga di luar wilayah kerja Anda ({actor.region}): {shown}"
            f"{' …' if len(outside) > 5 else ''}. Impor dibatalkan."
        )


__all__ = [
    "ADMIN_PROVINSI",
    "ADMIN_SISTEM",
    "ANALIS_PUSAT",
    "AUDITOR",
    "NATIONAL_ROLES",
    "OPERATOR_DESA",
    "ROLES",
    "ROLE_LABELS",
    "VERIFIKATOR_KAB",
    "Actor",
    "PermissionDenied",
    "allows",
    "covers",
    "mask_nik",
    "require_import_region",
    "show_nik",
]
