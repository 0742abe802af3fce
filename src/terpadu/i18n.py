"""Interface words in Bahasa Indonesia (default) and English.

Operator-facing messages from intake stay in Bahasa Indonesia (they quote the
operator's own data); labels of the CLI and pages come from here.
"""

from __future__ import annotations

from typing import Any

#: The language when a face does not say (its ``Settings.language`` usually does).
DEFAULT_LANGUAGE = "id"

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
    "no_pmt_model": {"id": "jalankan 'terpadu pmt fit' dulu", "en": "run 'terpadu pmt fit' first"},
    "not_linked": {"id": "jalankan 'terpadu link'", "en": "run 'terpadu link'"},
}


def catalogued_error(code: str, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The catalogue's message for ``code`` filled with ``data``; the code itself if unknown."""
    entry = ERRORS.get(code)
    if entry is None:
        return code
    return entry.get(language, entry["id"]).format(**data)


def error_words(error: BaseException, language: str = DEFAULT_LANGUAGE) -> str:
    """An error's message in ``language`` (the face passes its settings' or page's language).

    Errors with a catalogued code speak the language asked for; free-text messages
    given at the raise site (they quote the operator's data) stay as they are.
    """
    code, data = getattr(error, "code", None), getattr(error, "data", None)
    if not isinstance(code, str) or not isinstance(data, dict) or code not in ERRORS:
        return str(error)
    if str(error) != catalogued_error(code, data):
        return str(error)
    return catalogued_error(code, data, language)


def cli_hint(error: BaseException, language: str = DEFAULT_LANGUAGE) -> str | None:
    """What the CLI suggests doing after ``error``, if anything."""
    entry = CLI_HINTS.get(str(getattr(error, "code", "")))
    if entry is None:
        return None
    return entry.get(language, entry["id"])


def t(key: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The label ``key`` in ``language``, filled with ``values``."""
    entry = LABELS[key]
    return entry.get(language, entry["id"]).format(**values)
