"""The registry layouts' field lists, read by intake (to load) and verval (to change)."""

from __future__ import annotations

from terpadu.layouts import (
    ANGGOTA_COLUMNS,
    DWELLING_FIELDS,
    FAMILY_FIELDS,
    KELUARGA_COLUMNS,
    PERSON_FIELDS,
)
from terpadu.verval.kinds import FAMILY_EDITABLE, PERSON_EDITABLE


def test_the_field_lists_leave_out_only_the_keys_that_tie_a_row_to_its_file() -> None:
    assert "source_key" not in FAMILY_FIELDS and "kode_wilayah" in FAMILY_FIELDS
    assert "family_key" not in PERSON_FIELDS and "nik" in PERSON_FIELDS
    assert len(FAMILY_FIELDS) == len(KELUARGA_COLUMNS) - 1
    assert len(PERSON_FIELDS) == len(ANGGOTA_COLUMNS) - 1


def test_verval_edits_the_fields_intake_loads() -> None:
    assert tuple(FAMILY_FIELDS) == FAMILY_EDITABLE
    assert tuple(PERSON_FIELDS) == PERSON_EDITABLE


def test_dwelling_fields_are_family_fields_without_keys_or_address() -> None:
    assert set(DWELLING_FIELDS) < set(FAMILY_FIELDS)
    assert not {"no_kk", "kode_wilayah", "alamat"} & set(DWELLING_FIELDS)
