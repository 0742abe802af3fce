"""Proposal kinds, states, deactivation reasons, and checking proposed values."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from sqlalchemy import Date, Float, Integer, SmallInteger, String, Text

from terpadu.control_chars import control_message, first_control
from terpadu.identity import check_kk, check_nik
from terpadu.layouts import FAMILY_FIELDS, PERSON_FIELDS
from terpadu.regions import RegionCodeError, normalize_code, region_exists
from terpadu.store.models import Family, Person
from terpadu.verval.errors import InvalidProposal

NEW_FAMILY: Final = "new_family"
ADD_MEMBER: Final = "add_member"
REMOVE_MEMBER: Final = "remove_member"
CORRECT: Final = "correct"
DEACTIVATE: Final = "deactivate"
REACTIVATE: Final = "reactivate"
KINDS: Final[tuple[str, ...]] = (
    NEW_FAMILY,
    ADD_MEMBER,
    REMOVE_MEMBER,
    CORRECT,
    DEACTIVATE,
    REACTIVATE,
)
KIND_LABELS: Final[dict[str, str]] = {
    NEW_FAMILY: "keluarga baru",
    ADD_MEMBER: "tambah anggota",
    REMOVE_MEMBER: "keluarkan anggota",
    CORRECT: "koreksi data",
    DEACTIVATE: "nonaktifkan",
    REACTIVATE: "aktifkan kembali",
}
KIND_ALIASES: Final[dict[str, str]] = {
    "keluarga-baru": NEW_FAMILY,
    "tambah-anggota": ADD_MEMBER,
    "keluarkan-anggota": REMOVE_MEMBER,
    "hapus-anggota": REMOVE_MEMBER,
    "koreksi": CORRECT,
    "nonaktifkan": DEACTIVATE,
    "nonaktif": DEACTIVATE,
    "aktifkan": REACTIVATE,
    "aktifkan-kembali": REACTIVATE,
}

DRAFT: Final = "draft"
SUBMITTED: Final = "submitted"
VERIFIED: Final = "verified"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
RETURNED: Final = "returned"
STATES: Final[tuple[str, ...]] = (DRAFT, SUBMITTED, VERIFIED, APPROVED, REJECTED, RETURNED)
OPEN_STATES: Final = frozenset({DRAFT, SUBMITTED, VERIFIED, RETURNED})
PENDING_REVIEW: Final = frozenset({SUBMITTED, VERIFIED})
STATE_LABELS: Final[dict[str, str]] = {
    DRAFT: "draf",
    SUBMITTED: "diajukan",
    VERIFIED: "diverifikasi",
    APPROVED: "disetujui",
    REJECTED: "ditolak",
    RETURNED: "dikembalikan",
}

DEACTIVATION_REASONS: Final[tuple[str, ...]] = (
    "meninggal",
    "pindah",
    "tidak ditemukan",
    "ganda",
    "tidak layak",
)
# Leaving a family for these reasons also ends the person's registration.
PERSON_ENDING_REASONS: Final = frozenset({"meninggal", "tidak ditemukan", "ganda"})

FAMILY_EDITABLE: Final[tuple[str, ...]] = tuple(FAMILY_FIELDS)
PERSON_EDITABLE: Final[tuple[str, ...]] = tuple(PERSON_FIELDS)
_SPACES = re.compile(r"[\s_\-]+")


def parse_kind(value: str) -> str:
    """A kind from its code or its Bahasa alias (``koreksi``, ``keluarga-baru`` …)."""
    key = value.strip().lower()
    if key in KINDS:
        return key
    if key in KIND_ALIASES:
        return KIND_ALIASES[key]
    choices = ", ".join([*KINDS, *KIND_ALIASES])
    raise InvalidProposal(f"Jenis usulan '{value}' tidak dikenal; pilih: {choices}.")


def parse_reason(value: str | None) -> str:
    """A deactivation reason, accepting ``tidak_ditemukan`` or ``Tidak-Ditemukan``."""
    key = _SPACES.sub(" ", (value or "").strip().lower())
    if key not in DEACTIVATION_REASONS:
        raise InvalidProposal(
            f"Alasan '{value or ''}' tidak dikenal; pilih: {', '.join(DEACTIVATION_REASONS)}."
        )
    return key


def plain_text(value: str, what: str, *, multiline: bool = False) -> str:
    """``value`` if it holds no control character (a NUL cannot even be stored on
    PostgreSQL); else :class:`InvalidProposal` naming ``what`` and the character.
    ``multiline``: line breaks and tabs are allowed (notes, comments)."""
    char = first_control(value, multiline=multiline)
    if char is not None:
        raise InvalidProposal(f"Isian '{what}' {control_message(char)}.")
    return value


def _column(entity: str, field: str) -> Any:
    model = Family if entity == "family" else Person
    editable = FAMILY_EDITABLE if entity == "family" else PERSON_EDITABLE
    if field not in editable:
        label = "keluarga" if entity == "family" else "anggota"
        raise InvalidProposal(
            f"Kolom '{field}' tidak dapat diubah lewat usulan {label}; "
            f"kolom yang boleh: {', '.join(editable)}."
        )
    return model.__table__.c[field]


def to_value(entity: str, field: str, raw: Any) -> Any:
    """A proposed value checked and converted to the column's type (JSON-able form).

    Dates stay ISO text in the payload; :func:`to_python` turns them into dates.
    """
    column = _column(entity, field)
    if isinstance(raw, str):
        plain_text(raw, field)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if not column.nullable:
            raise InvalidProposal(f"Kolom '{field}' wajib diisi.")
        return None
    text = str(raw).strip()
    kind = column.type
    try:
        if isinstance(kind, SmallInteger | Integer):
            number = float(text)
            if not number.is_integer():
                raise ValueError
            value: Any = int(number)
        elif isinstance(kind, Float):
            value = float(text)
        elif isinstance(kind, Date):
            value = dt.date.fromisoformat(text[:10]).isoformat()
        elif isinstance(kind, String | Text):
            value = text
        else:  # pragma: no cover - every editable column has one of the types above
            value = text
    except ValueError as exc:
        raise InvalidProposal(f"Nilai '{raw}' untuk kolom '{field}' tidak sah.") from exc
    if isinstance(kind, String) and kind.length and len(value) > kind.length:
        raise InvalidProposal(f"Nilai kolom '{field}' lebih dari {kind.length} karakter.")
    if field == "kode_wilayah":
        try:
            value = normalize_code(value)
        except RegionCodeError as exc:
            raise InvalidProposal(str(exc)) from exc
        if len(value) != 10 or not region_exists(value):
            raise InvalidProposal(f"Kode wilayah '{raw}' bukan desa/kelurahan yang terdaftar.")
    elif field == "nik":
        check = check_nik(value)
        if not check.ok:
            raise InvalidProposal(
                f"NIK '{raw}' tidak sah: {check.error.message if check.error else ''}".strip()
            )
        value = check.nik
    elif field == "no_kk":
        kk = check_kk(value)
        if not kk.ok:
            raise InvalidProposal(
                f"No. KK '{raw}' tidak sah: {kk.error.message if kk.error else ''}".strip()
            )
        value = kk.kk
    elif isinstance(value, float) and value < 0:
        raise InvalidProposal(f"Nilai kolom '{field}' tidak boleh negatif.")
    return value


def to_python(entity: str, field: str, value: Any) -> Any:
    """A payload value as the model attribute expects it (dates as ``date``)."""
    if value is None:
        return None
    if isinstance(_column(entity, field).type, Date):
        return dt.date.fromisoformat(str(value))
    return value


def as_text(value: Any) -> str | None:
    """A value as ``value_change`` stores it (the importer's text form)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(value)
    return str(value)


def record_values(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Check a whole record's proposed values (a new family or member)."""
    editable = FAMILY_EDITABLE if entity == "family" else PERSON_EDITABLE
    checked: dict[str, Any] = {}
    for field, raw in values.items():
        checked[field] = to_value(entity, field, raw)
    required = ("kode_wilayah",) if entity == "family" else ("nama",)
    for field in required:
        if checked.get(field) in (None, ""):
            raise InvalidProposal(f"Kolom '{field}' wajib diisi.")
    return {f: checked[f] for f in editable if f in checked}


__all__ = [
    "ADD_MEMBER",
    "APPROVED",
    "CORRECT",
    "DEACTIVATE",
    "DEACTIVATION_REASONS",
    "DRAFT",
    "FAMILY_EDITABLE",
    "KINDS",
    "KIND_LABELS",
    "NEW_FAMILY",
    "PERSON_EDITABLE",
    "REACTIVATE",
    "REJECTED",
    "REMOVE_MEMBER",
    "RETURNED",
    "STATES",
    "STATE_LABELS",
    "SUBMITTED",
    "VERIFIED",
    "parse_kind",
    "parse_reason",
]
