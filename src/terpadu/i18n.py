"""Interface words in Bahasa Indonesia (default) and English.

Operator-facing messages from intake stay in Bahasa Indonesia (they quote the
operator's own data); labels of the CLI and pages come from here.
"""

from __future__ import annotations

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


def t(key: str, **values: object) -> str:
    """The label ``key`` in the configured language, filled with ``values``."""
    language = get_settings().language
    entry = LABELS[key]
    return entry.get(language, entry["id"]).format(**values)
