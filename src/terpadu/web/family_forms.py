"""The proposal forms of the family and person pages: their fields and checking what was typed.

A field's widget follows its column in the input layout (:mod:`terpadu.layouts`): a coded
column is a list of named choices, a date a date input, a number a number input with the
layout's bounds. What was typed is checked field by field so that the form can be shown
again with each error beside its field; the workflow (:func:`terpadu.verval.kinds.to_value`)
then checks it once more, so the web never accepts what the CLI would refuse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import String

from terpadu.identity import check_kk, check_nik
from terpadu.layouts import ANGGOTA_COLUMNS, KELUARGA_COLUMNS, Column
from terpadu.locale import code_label, has_text, text
from terpadu.store.models import Family, Person
from terpadu.verval.errors import InvalidProposal
from terpadu.verval.kinds import FAMILY_EDITABLE, PERSON_EDITABLE, to_value

# Fields a desa does not propose: the national ranking comes from DTSEN, the member's
# source id from the sender's file.
_NOT_PROPOSED: Final = frozenset({"desil_nasional", "persentil_nasional", "id_anggota"})

#: The family form's sections, in the order of the paper form (address first).
FAMILY_SECTIONS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("identity", ("no_kk", "kode_wilayah", "alamat", "rt", "rw")),
    (
        "dwelling",
        (
            "status_bangunan",
            "luas_lantai",
            "jenis_lantai",
            "jenis_dinding",
            "jenis_atap",
            "sumber_air_minum",
            "sumber_penerangan",
            "daya_listrik",
            "bahan_bakar_masak",
            "fasilitas_bab",
        ),
    ),
    ("assets", tuple(f for f in FAMILY_EDITABLE if f.startswith("aset_"))),
    ("economy", ("luas_lahan", "jumlah_ternak", "pengeluaran_perkapita")),
)
#: The member form's fields (identity first, as on the KK).
PERSON_FORM_FIELDS: Final[tuple[str, ...]] = tuple(
    f for f in PERSON_EDITABLE if f not in _NOT_PROPOSED
)

# Page words for a registry field when the catalogue has no ``verval.field.<name>`` yet.
_PAGE_WORDS: Final[dict[str, str]] = {
    "nama": "web.name",
    "nik": "web.nik",
    "no_kk": "web.no_kk",
    "tgl_lahir": "web.birth_date",
    "jenis_kelamin": "web.sex",
    "hub_keluarga": "web.relation",
    "alamat": "family.address",
    "rt": "family.rt",
    "rw": "family.rw",
    "kode_wilayah": "family.region_code",
}
# An RT/RW typed into the street address (it has fields of its own).
_RT_RW_IN_ADDRESS: Final = re.compile(r"\bR[TW]\.?\s*[:.]?\s*\d{1,3}\b", re.IGNORECASE)
_RT_RW: Final = re.compile(r"\d{1,3}")
_EARLIEST_BIRTH: Final = dt.date(1900, 1, 1)


def field_label(name: str, lang: str) -> str:
    """A registry field in words: ``verval.field.<name>``, else the page's word for it, else
    the column name written as words (``luas_lantai`` -> "Luas lantai")."""
    for key in (f"verval.field.{name}", _PAGE_WORDS.get(name, "")):
        if key and has_text(key):
            return text(key, lang)
    return name.replace("_", " ").capitalize()


def _columns(entity: str) -> dict[str, Column]:
    layout = KELUARGA_COLUMNS if entity == "family" else ANGGOTA_COLUMNS
    return {c.target: c for c in layout}


@dataclass(frozen=True)
class FieldSpec:
    """One input of a proposal form."""

    name: str
    label: str
    widget: str  # select, date, number, text
    options: tuple[tuple[str, str], ...] = ()
    min: float | None = None
    max: float | None = None
    step: str = ""
    maxlength: int | None = None
    pattern: str = ""
    inputmode: str = ""
    required: bool = False


def code_table(column: Column) -> str:
    """The code table naming ``column``'s values (``flag`` for yes/no columns)."""
    return "flag" if column.kind == "flag" else column.target


def field_spec(entity: str, name: str, lang: str) -> FieldSpec:
    """The input for ``name`` of ``entity`` ("family" or "person") in ``lang``."""
    column = _columns(entity)[name]
    model = Family if entity == "family" else Person
    sql_type = model.__table__.c[name].type
    length = sql_type.length if isinstance(sql_type, String) else None
    label = field_label(name, lang)
    required = name == ("kode_wilayah" if entity == "family" else "nama")
    if column.codes:
        table = code_table(column)
        options = tuple((str(c), code_label(table, c, lang)) for c in sorted(column.codes))
        return FieldSpec(name, label, "select", options=options, required=required)
    if column.kind == "date":
        return FieldSpec(name, label, "date", max=None, required=required)
    if column.kind in ("int", "number", "power"):
        return FieldSpec(
            name,
            label,
            "number",
            min=column.min_value,
            max=column.max_value,
            step="1" if column.kind in ("int", "power") else "any",
            required=required,
        )
    if column.kind in ("nik", "kk"):
        return FieldSpec(
            name, label, "text", maxlength=16, pattern="[0-9]{16}", inputmode="numeric"
        )
    if name in ("rt", "rw"):
        return FieldSpec(
            name, label, "text", maxlength=3, pattern="[0-9]{1,3}", inputmode="numeric"
        )
    if column.kind == "region":
        return FieldSpec(
            name,
            label,
            "text",
            maxlength=13,
            pattern="[0-9.]{10,13}",
            inputmode="numeric",
            required=required,
        )
    return FieldSpec(name, label, "text", maxlength=length, required=required)


def family_sections(lang: str) -> list[tuple[str, list[FieldSpec]]]:
    """The family form's sections with their fields."""
    return [
        (text(f"family.section.{key}", lang), [field_spec("family", f, lang) for f in names])
        for key, names in FAMILY_SECTIONS
    ]


def person_fields(lang: str) -> list[FieldSpec]:
    return [field_spec("person", f, lang) for f in PERSON_FORM_FIELDS]


@dataclass
class Checked:
    """What a form's fields came to: the values the workflow gets, and errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _number(raw: str) -> float:
    # An operator may type the Indonesian decimal comma ("36,5").
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    return float(raw)


def _check_one(entity: str, column: Column, raw: str, lang: str, today: dt.date) -> Any:
    """``raw`` as the workflow takes it; ValueError with the words for the field otherwise."""
    name = column.target
    if column.codes:
        if not raw.isdigit() or int(raw) not in column.codes:
            raise ValueError(text("family.error.choose", lang))
        return int(raw)
    if column.kind in ("int", "number", "power"):
        try:
            number = _number(raw)
        except ValueError:
            raise ValueError(text("family.error.number", lang)) from None
        if column.kind in ("int", "power") and not number.is_integer():
            raise ValueError(text("family.error.whole", lang))
        low, high = column.min_value, column.max_value
        if low is not None and (number < low or (number == low and not column.min_inclusive)):
            key = "family.error.min" if column.min_inclusive else "family.error.above"
            raise ValueError(text(key, lang, min=_shown(low))) from None
        if high is not None and number > high:
            raise ValueError(text("family.error.max", lang, max=_shown(high)))
        if number < 0:
            raise ValueError(text("family.error.min", lang, min=0))
        return int(number) if column.kind in ("int", "power") else number
    if column.kind == "date":
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(text("family.error.date", lang)) from None
        if day > today or day < _EARLIEST_BIRTH:
            raise ValueError(text("family.error.date_range", lang, year=_EARLIEST_BIRTH.year))
        return day.isoformat()
    if column.kind == "nik":
        check = check_nik(raw, today)
        if not check.ok:
            detail = check.error.message if check.error and lang == "id" else ""
            raise ValueError(" ".join([text("family.error.nik", lang), detail]).strip())
        return check.nik
    if column.kind == "kk":
        kk = check_kk(raw)
        if not kk.ok:
            detail = kk.error.message if kk.error and lang == "id" else ""
            raise ValueError(" ".join([text("family.error.kk", lang), detail]).strip())
        return kk.kk
    if name in ("rt", "rw"):
        if not _RT_RW.fullmatch(raw):
            raise ValueError(text("family.error.rt_rw", lang))
        return raw.zfill(3)  # stored as the KK writes it: 005
    if name == "alamat" and _RT_RW_IN_ADDRESS.search(raw):
        raise ValueError(text("family.error.address_rt_rw", lang))
    return raw


def _shown(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def check_fields(
    entity: str,
    form: Mapping[str, Any],
    names: tuple[str, ...] | list[str],
    lang: str,
    *,
    prefix: str = "",
    current: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> Checked:
    """Check the fields ``names`` of ``entity`` as typed in ``form`` (keys ``prefix + name``).

    Empty fields are left out; a required one left empty is an error. ``current``: the
    record a correction form was filled in with; a field left as it was is not checked
    again (an address imported with its RT in it is not refused until someone edits it).
    """
    today = today or dt.date.today()
    columns = _columns(entity)
    out = Checked()
    for name in names:
        raw = str(form.get(prefix + name) or "").strip()
        if current is not None and raw and raw == form_value(current.get(name)):
            continue
        spec_required = name == ("kode_wilayah" if entity == "family" else "nama")
        if not raw:
            if spec_required:
                out.errors[name] = text("family.error.required", lang)
            continue
        try:
            value = _check_one(entity, columns[name], raw, lang, today)
            # The workflow's own check, so the web takes exactly what the CLI takes.
            out.values[name] = to_value(entity, name, value)
        except ValueError as exc:
            out.errors[name] = str(exc)
        except InvalidProposal as exc:
            out.errors[name] = str(exc)
    return out


def changed(current: Mapping[str, Any], proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The proposed values that differ from the current ones (a correction form is filled in
    with the record, so only what the operator changed is proposed)."""
    out: dict[str, Any] = {}
    for name, value in proposed.items():
        old = current.get(name)
        if isinstance(old, dt.date):
            old = old.isoformat()
        if old is None or str(old) != str(value):
            if isinstance(old, int | float) and isinstance(value, int | float) and old == value:
                continue
            out[name] = value
    return out


def cleared(
    current: Mapping[str, Any], form: Mapping[str, Any], names: tuple[str, ...] | list[str]
) -> dict[str, None]:
    """Fields the operator emptied on a correction form (the value is to be removed); a field
    the form did not send at all is left as it is."""
    return {
        n: None
        for n in names
        if n in form and current.get(n) not in (None, "") and not str(form.get(n) or "").strip()
    }


def form_value(value: Any) -> str:
    """A stored value as a form input shows it (dates ISO, whole floats without ".0")."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = [
    "FAMILY_SECTIONS",
    "PERSON_FORM_FIELDS",
    "Checked",
    "FieldSpec",
    "changed",
    "check_fields",
    "cleared",
    "family_sections",
    "field_label",
    "field_spec",
    "form_value",
    "person_fields",
]
