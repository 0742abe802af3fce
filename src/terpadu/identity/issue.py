"""Findings about a value: an English snake_case code for programs, a Bahasa message for people."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or warning. ``code`` is stable (reports and tests key on it); ``message`` is
    written for a village operator and may quote the offending value."""

    code: str
    message: str


#: A generic message for every code, for reports built from the vectorised checks, which return
#: codes only. The scalar checks give a more specific message quoting the value.
ISSUE_MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "nik_length": "NIK harus 16 digit angka.",
        "nik_not_digits": "NIK hanya boleh berisi angka.",
        "nik_province_unknown": "Kode provinsi (2 digit pertama) di NIK tidak dikenal.",
        "nik_region_zero": "Kode kabupaten/kota atau kecamatan di NIK tidak boleh 00.",
        "nik_date_invalid": (
            "Tanggal lahir di NIK (digit 7-12) tidak mungkin; untuk perempuan tanggal ditambah 40."
        ),
        "nik_date_future": "Tanggal lahir di NIK jatuh setelah hari ini.",
        "nik_serial_zero": "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
        "nik_region_unknown": (
            "Kode kecamatan di NIK tidak ada di daftar wilayah Kemendagri terbaru; "
            "mungkin kode lama sebelum pemekaran."
        ),
        "nik_birth_date_mismatch": "Tanggal lahir di NIK berbeda dengan tanggal lahir tertulis.",
        "nik_sex_mismatch": "Jenis kelamin menurut NIK berbeda dengan jenis kelamin tertulis.",
        "kk_length": "Nomor KK harus 16 digit angka.",
        "kk_not_digits": "Nomor KK hanya boleh berisi angka.",
        "kk_province_unknown": "Kode provinsi (2 digit pertama) di nomor KK tidak dikenal.",
        "kk_region_zero": "Kode kabupaten/kota atau kecamatan di nomor KK tidak boleh 00.",
        "kk_serial_zero": "Nomor urut KK (4 digit terakhir) tidak boleh 0000.",
        "kk_date_invalid": (
            "Tanggal terbit di nomor KK (digit 7-12) tidak mungkin atau di masa depan."
        ),
        "number_digits_lost": (
            "Nomor rusak oleh Excel (notasi ilmiah): digit hilang, tidak bisa dipulihkan. "
            "Ketik ulang sebagai teks."
        ),
    }
)
