"""Who acts: a username, a role and the region the role covers.

The web issue maps a logged-in user to an :class:`Actor`; the CLI builds one
from ``--as/--role/--region`` or ``TERPADU_ACTOR/TERPADU_ROLE/TERPADU_REGION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from terpadu.regions import RegionCodeError, is_within, normalize_code
from terpadu.verval.errors import PermissionDenied

OPERATOR_DESA: Final = "operator_desa"
VERIFIKATOR_KAB: Final = "verifikator_kab"
ADMIN_PROVINSI: Final = "admin_provinsi"
ANALIS_PUSAT: Final = "analis_pusat"
AUDITOR: Final = "auditor"

ROLES: Final[tuple[str, ...]] = (
    OPERATOR_DESA,
    VERIFIKATOR_KAB,
    ADMIN_PROVINSI,
    ANALIS_PUSAT,
    AUDITOR,
)
ROLE_LABELS: Final[dict[str, str]] = {
    OPERATOR_DESA: "operator desa/kelurahan",
    VERIFIKATOR_KAB: "verifikator kabupaten/kota",
    ADMIN_PROVINSI: "admin provinsi",
    ANALIS_PUSAT: "analis pusat",
    AUDITOR: "auditor",
}
# Roles whose scope may be the whole country (no region code).
NATIONAL_ROLES: Final = frozenset({ANALIS_PUSAT, AUDITOR})


@dataclass(frozen=True, slots=True)
class Actor:
    """A user acting in a role over a region (``None`` region: the whole country)."""

    username: str
    role: str
    region: str | None = None

    def __post_init__(self) -> None:
        if not self.username.strip():
            raise PermissionDenied("Nama pengguna kosong; isi --as atau TERPADU_ACTOR.")
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
        if self.region is None:
            return True
        return code is not None and is_within(code, self.region)

    def require_region(self, code: str | None) -> None:
        """Raise :class:`PermissionDenied` unless ``code`` is within the actor's region."""
        if not self.covers(code):
            raise PermissionDenied(
                f"Wilayah {code or '-'} di luar wilayah kerja {self.username} ({self.region})."
            )

    def require_role(self, *roles: str, doing: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = ", ".join(ROLE_LABELS[r] for r in roles)
            raise PermissionDenied(
                f"Peran {ROLE_LABELS[self.role]} tidak boleh {doing}; hanya {allowed}."
            )


__all__ = [
    "ADMIN_PROVINSI",
    "ANALIS_PUSAT",
    "AUDITOR",
    "NATIONAL_ROLES",
    "OPERATOR_DESA",
    "ROLES",
    "ROLE_LABELS",
    "VERIFIKATOR_KAB",
    "Actor",
]
