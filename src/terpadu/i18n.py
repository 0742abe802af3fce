"""Interface words in Bahasa Indonesia (default) and English.

Operator-facing messages from intake stay in Bahasa Indonesia (they quote the
operator's own data); labels of the CLI and pages come from here.
"""

from __future__ import annotations

from typing import Any

from terpadu.settings import get_settings

LABELS: dict[str, dict[str, str]] = {
    "file": {"id": "Berkas", "en": "File"},
    "rows_read": {"id": "Baris dibaca", "en": "Rows read"},
    "rows_landed": {"id": "Dimuat", "en": "Landed"},
    "rows_repaired": {"id": "Diperbaiki", "en": "Repaired"},
    "rows_rejected": {"id": "Ditolak", "en": "Rejected"},
    "rows_warned": {"id": "Peringatan", "en": "Warnings"},
    "families_new": {"id": "Keluarga baru", "en": "New families"},
    "families_changed": {"id": "Keluarga berubah", "en": "Changed families"},
    "persons_new": {"id": "Anggota baru", "en": "New persons"},
    "persons_changed": {"id": "Anggota berubah", "en": "Changed persons"},
    "persons_without_nik": {
        "id": "Tanpa NIK (perlu perekaman Dukcapil)",
        "en": "Without NIK (needs civil registration)",
    },
    "already_imported": {
        "id": "Kiriman ini sudah pernah dimuat (batch {batch}); tidak ada yang berubah.",
        "en": "This batch was already imported (batch {batch}); nothing changed.",
    },
    "errors_written": {
        "id": "Daftar masalah ditulis ke {path}",
        "en": "Problems written to {path}",
    },
    "top_problems": {"id": "Masalah terbanyak", "en": "Most frequent problems"},
    "code": {"id": "Kode", "en": "Code"},
    "count": {"id": "Jumlah", "en": "Count"},
    "example": {"id": "Contoh", "en": "Example"},
    "database_ready": {
        "id": "Basis data siap: {url} (revisi {rev})",
        "en": "Database ready: {url} (revision {rev})",
    },
    "exported": {"id": "{n} baris ditulis ke {path}", "en": "{n} rows written to {path}"},
}


# Messages of the domain's errors, keyed by their code (``terpadu.errors.TerpaduError``).
# They say what is wrong, never which command or page to use: that is the face's hint.
ERRORS: dict[str, dict[str, str]] = {
    "invalid_period": {
        "id": "Periode '{value}' tidak sah; tulis bulan (2026-11), triwulan (2026-Q4) atau tahun.",
        "en": "Period '{value}' is not valid; write a month (2026-11), a quarter (2026-Q4) "
        "or a year.",
    },
    "edition_exists": {
        "id": "Edisi {period} sudah diterbitkan; edisi tidak dapat diubah.",
        "en": "Edition {period} has already been published; an edition cannot be changed.",
    },
    "edition_exists_since": {
        "id": "Edisi {period} sudah diterbitkan pada {published_at} UTC; edisi tidak dapat diubah.",
        "en": "Edition {period} was published on {published_at} UTC; an edition cannot be changed.",
    },
    "edition_not_found": {
        "id": "Edisi {period} belum diterbitkan.",
        "en": "Edition {period} has not been published.",
    },
    "login_required": {
        "id": "Perintah '{command}' berjalan atas nama sebuah akun, dan belum ada akun yang masuk",
        "en": "'{command}' runs as an account, and no account is logged in",
    },
    "token_invalid": {
        "id": "Login ini sudah berakhir, dicabut, atau akunnya dinonaktifkan",
        "en": "This login has expired, was revoked, or its account was disabled",
    },
    "export_purpose": {
        "id": "Ekspor data pribadi harus menyebut tujuannya (UU PDP), minimal {min} karakter",
        "en": "An export of personal data must state its purpose (PDP law), at least {min} "
        "characters",
    },
    "concurrent_change": {
        "id": "Data keluarga ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi.",
        "en": "Another user changed this family's data; reload and try again.",
    },
    "welfare_not_ranked": {
        "id": "tidak ada keluarga berperingkat di wilayah {region!r}",
        "en": "no ranked family in region {region!r}",
    },
    "targeting_not_ranked": {
        "id": "Belum ada peringkat kesejahteraan",
        "en": "There is no welfare ranking yet",
    },
    "allocation_not_ranked": {
        "id": "Belum ada peringkat kesejahteraan (desil)",
        "en": "There is no welfare ranking (decile) yet",
    },
    "no_pmt_model": {
        "id": "belum ada model PMT di {folder}",
        "en": "there is no PMT model in {folder} yet",
    },
    "not_linked": {
        "id": "{target}: belum pernah ditautkan",
        "en": "{target}: never linked",
    },
}

# What the CLI suggests after an error's words; pages show the words alone.
CLI_HINTS: dict[str, dict[str, str]] = {
    "welfare_not_ranked": {"id": "jalankan 'terpadu rank' dulu", "en": "run 'terpadu rank' first"},
    "targeting_not_ranked": {
        "id": "jalankan 'terpadu rank' dulu",
        "en": "run 'terpadu rank' first",
    },
    "allocation_not_ranked": {
        "id": "jalankan 'terpadu rank' dulu",
        "en": "run 'terpadu rank' first",
    },
    "login_required": {
        "id": "masuk dulu: terpadu login (akun layanan: TERPADU_TOKEN)",
        "en": "login first: terpadu login (service accounts: TERPADU_TOKEN)",
    },
    "token_invalid": {
        "id": "masuk lagi: terpadu login (akun layanan: TERPADU_TOKEN yang baru)",
        "en": "login again: terpadu login (service accounts: a new TERPADU_TOKEN)",
    },
    "export_purpose": {
        "id": 'tambahkan --purpose "tujuan ekspor"',
        "en": 'add --purpose "why you export"',
    },
    "no_pmt_model": {"id": "jalankan 'terpadu pmt fit' dulu", "en": "run 'terpadu pmt fit' first"},
    "not_linked": {"id": "jalankan 'terpadu link'", "en": "run 'terpadu link'"},
}


def catalogued_error(code: str, data: dict[str, Any], language: str = "id") -> str:
    """The catalogue's message for ``code`` filled with ``data``; the code itself if unknown."""
    entry = ERRORS.get(code)
    if entry is None:
        return code
    return entry.get(language, entry["id"]).format(**data)


def error_words(error: BaseException, language: str | None = None) -> str:
    """An error's message in ``language`` (the configured one by default).

    Errors with a catalogued code speak the language asked for; free-text messages
    given at the raise site (they quote the operator's data) stay as they are.
    """
    code, data = getattr(error, "code", None), getattr(error, "data", None)
    if not isinstance(code, str) or not isinstance(data, dict) or code not in ERRORS:
        return str(error)
    if str(error) != catalogued_error(code, data):
        return str(error)
    return catalogued_error(code, data, language or get_settings().language)


def cli_hint(error: BaseException, language: str | None = None) -> str | None:
    """What the CLI suggests doing after ``error``, if anything."""
    entry = CLI_HINTS.get(str(getattr(error, "code", "")))
    if entry is None:
        return None
    return entry.get(language or get_settings().language, entry["id"])


def t(key: str, **values: object) -> str:
    """The label ``key`` in the configured language, filled with ``values``."""
    language = get_settings().language
    entry = LABELS[key]
    return entry.get(language, entry["id"]).format(**values)
