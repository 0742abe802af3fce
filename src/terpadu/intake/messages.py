"""Operator-facing messages for the problems intake finds across rows and batches.

Codes are English and stable (scripts and reports filter on them); messages
are Bahasa Indonesia, written for a village operator fixing a spreadsheet.
A file's own problems (its form, its cells) have their messages in
:mod:`terpadu.files`.
"""

from __future__ import annotations

from terpadu import files

MESSAGES: dict[str, str] = {
    # identity numbers against the row's other columns and the batch
    "nik_birth_date_mismatch": "Tanggal lahir di NIK '{value}' berbeda dengan TGL_LAHIR yang diisi.",
    "nik_sex_mismatch": "Jenis kelamin di NIK '{value}' berbeda dengan JENIS_KELAMIN yang diisi.",
    "nik_duplicate_in_batch": "NIK '{value}' dipakai oleh lebih dari satu baris di kiriman ini.",
    # rows across columns
    "education_inconsistent_age": "PENDIDIKAN_TERTINGGI '{value}' tidak mungkin untuk umur anggota ini menurut TGL_LAHIR (ijazahnya belum bisa dimiliki pada umur itu). Baris dimuat; jenjang sekolah dihitung dari umur. Periksa kembali kode pendidikannya.",
    # rows and relations
    "duplicate_key": "{column} '{value}' sudah dipakai baris lain di berkas ini; baris ini tidak dimuat.",
    "family_not_found": "Keluarga '{value}' tidak ada di berkas keluarga kiriman ini maupun di registri.",
    "family_rejected": "Keluarga '{value}' ditolak (lihat kesalahan baris keluarganya), jadi anggota ini juga tidak dimuat.",
}


def message(code: str, column: str | None = None, value: str | None = None) -> str:
    """The message for ``code``, filled with the column and the value as received."""
    template = MESSAGES.get(code)
    if template is None:
        return files.message(code, column, value)
    return template.format(column=column or "-", value="" if value is None else value, code=code)
