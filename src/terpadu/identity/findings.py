"""What a civil-registry (Dukcapil) check can find about a registry person: one code list
for the check that writes them (``terpadu.linkage.dukcapil``) and every reader (targeting,
reports, pages), so a reader can never look for a code the check does not write."""

from __future__ import annotations

from typing import Final

OK: Final = "ok"
NIK_MISSING: Final = "nik_kosong"  # the registry has no NIK for the person
NIK_NOT_FOUND: Final = "nik_tidak_ditemukan"
NAME_DIFFERS: Final = "nama_beda"
BIRTH_DATE_DIFFERS: Final = "tgl_lahir_beda"
SEX_DIFFERS: Final = "jenis_kelamin_beda"
DEAD: Final = "meninggal"

FINDINGS: Final = (
    OK,
    NIK_MISSING,
    NIK_NOT_FOUND,
    NAME_DIFFERS,
    BIRTH_DATE_DIFFERS,
    SEX_DIFFERS,
    DEAD,
)
#: Findings that make a payment to the NIK fail (Dukcapil rejects the NIK as given).
REJECTING: Final = (NIK_NOT_FOUND, NAME_DIFFERS, BIRTH_DATE_DIFFERS, SEX_DIFFERS)

__all__ = [
    "BIRTH_DATE_DIFFERS",
    "DEAD",
    "FINDINGS",
    "NAME_DIFFERS",
    "NIK_MISSING",
    "NIK_NOT_FOUND",
    "OK",
    "REJECTING",
    "SEX_DIFFERS",
]
