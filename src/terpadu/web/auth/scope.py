"""Who is logged in, what their role may do, and which NIKs they see in full.

A user's scope is their region code and everything below it
(:func:`terpadu.regions.is_within`); national roles may have no region. SQL
filters use the undotted code as a prefix of ``family.kode_wilayah``.

NIK masking: roles that register, verify or approve people's data in their own
region (``operator_desa``, ``verifikator_kab``, ``admin_provinsi``) see full
NIKs; ``analis_pusat`` and ``auditor`` see ``3604********0001``. Anyone may
still search by a full NIK; the answer is masked for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from terpadu.regions import is_within
from terpadu.verval.actors import (
    ADMIN_PROVINSI,
    ANALIS_PUSAT,
    AUDITOR,
    OPERATOR_DESA,
    ROLE_LABELS,
    ROLES,
    VERIFIKATOR_KAB,
    Actor,
)

FULL_NIK_ROLES: Final = frozenset({OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI})
READ_ONLY_ROLES: Final = frozenset({AUDITOR, ANALIS_PUSAT})
IMPORT_ROLES: Final = frozenset({OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI})
PROPOSE_ROLES: Final = frozenset({OPERATOR_DESA})


@dataclass(frozen=True, slots=True)
class WebUser:
    """The logged-in user as the web layer sees it (no password hash)."""

    id: int
    username: str
    role: str
    region: str | None
    token_version: int = 1

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.region)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def region_prefix(self) -> str:
        """The SQL prefix of ``kode_wilayah`` in scope ('' for the whole country)."""
        return self.region or ""

    def covers(self, code: str | None) -> bool:
        if self.region is None:
            return True
        return code is not None and is_within(code, self.region)

    @property
    def sees_full_nik(self) -> bool:
        return self.role in FULL_NIK_ROLES

    @property
    def can_import(self) -> bool:
        return self.role in IMPORT_ROLES

    @property
    def can_propose(self) -> bool:
        return self.role in PROPOSE_ROLES

    @property
    def read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES


def mask_nik(nik: str | None) -> str | None:
    """``3604051507870001`` → ``3604********0001``; other lengths keep only the last 4 digits."""
    if not nik:
        return nik
    if len(nik) == 16:
        return f"{nik[:4]}{'*' * 8}{nik[-4:]}"
    return "*" * max(len(nik) - 4, 0) + nik[-4:]


def show_nik(user: WebUser, nik: str | None) -> str | None:
    """The NIK as ``user`` may see it."""
    return nik if user.sees_full_nik else mask_nik(nik)


__all__ = [
    "ADMIN_PROVINSI",
    "ANALIS_PUSAT",
    "AUDITOR",
    "FULL_NIK_ROLES",
    "OPERATOR_DESA",
    "ROLES",
    "VERIFIKATOR_KAB",
    "WebUser",
    "mask_nik",
    "show_nik",
]
