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
    "number_lookup_refused": {
        "id": "Peran Anda melihat NIK dan No. KK tersamar, jadi tidak dapat mencari dengan "
        "NIK atau No. KK lengkap; cari dengan nama, PERSON_ID atau FAMILY_ID.",
        "en": "Your role sees NIK and KK numbers masked, so it cannot search by a full NIK "
        "or KK number; search by name, PERSON_ID or FAMILY_ID.",
    },
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
    "first_admin_missing": {
        "id": "Perintah '{command}' berjalan atas nama sebuah akun, dan basis data ini belum "
        "punya admin",
        "en": "'{command}' runs as an account, and this database has no admin yet",
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
    "audit_key_missing": {
        "id": "Kunci audit belum diatur: isi TERPADU_AUDIT_KEY atau TERPADU_AUDIT_KEY_FILE "
        "(rahasia, simpan terpisah dari basis data).",
        "en": "No audit key is set: fill TERPADU_AUDIT_KEY or TERPADU_AUDIT_KEY_FILE "
        "(a secret, kept apart from the database).",
    },
    "audit_key_unreadable": {
        "id": "Berkas kunci audit {path} tidak dapat dibaca: {reason}",
        "en": "The audit key file {path} cannot be read: {reason}",
    },
    "subject_nik_invalid": {
        "id": "NIK harus 16 angka.",
        "en": "A NIK is 16 digits.",
    },
    "subject_not_found": {
        "id": "Tidak ada data dengan NIK ini di wilayah kerja Anda.",
        "en": "No record with this NIK lies within your region.",
    },
    "audit_anchor_unreadable": {
        "id": "Jangkar audit {path} tidak dapat dibaca: {reason}",
        "en": "The audit anchor {path} cannot be read: {reason}",
    },
    # Input limits (terpadu.files.limits): checked before a file is parsed.
    "input_too_big": {
        "id": "{file}: berkas berukuran {found_text}, melebihi batas {limit_text} "
        "(TERPADU_INPUT_MAX_BYTES); bagi berkasnya lalu kirim per bagian.",
        "en": "{file}: the file is {found_text}, over the limit of {limit_text} "
        "(TERPADU_INPUT_MAX_BYTES); split it and send it in parts.",
    },
    "input_too_many_columns": {
        "id": "{file}: baris {row} berisi {found} kolom, melebihi batas {limit} kolom "
        "(TERPADU_INPUT_MAX_COLUMNS); berkas tidak dibaca. Periksa baris judulnya.",
        "en": "{file}: row {row} has {found} columns, over the limit of {limit} "
        "(TERPADU_INPUT_MAX_COLUMNS); the file was not read. Check its header row.",
    },
    "input_header_too_long": {
        "id": "{file}: judul kolom ke-{column} berisi {found} karakter, melebihi batas {limit} "
        "(TERPADU_INPUT_MAX_HEADER_CHARS); berkas tidak dibaca.",
        "en": "{file}: the header of column {column} has {found} characters, over the limit "
        "of {limit} (TERPADU_INPUT_MAX_HEADER_CHARS); the file was not read.",
    },
    "input_cell_too_long": {
        "id": "{file}: baris {row}, kolom {column} berisi {found} karakter, melebihi batas "
        "{limit} (TERPADU_INPUT_MAX_CELL_CHARS); berkas tidak dimuat. Periksa tanda kutip "
        "yang tidak ditutup di sekitar baris itu.",
        "en": "{file}: row {row}, column {column} holds {found} characters, over the limit of "
        "{limit} (TERPADU_INPUT_MAX_CELL_CHARS); the file was not loaded. Look for a quote "
        "left open near that row.",
    },
    "input_too_many_rows": {
        "id": "{file}: berkas berisi lebih dari {limit} baris (TERPADU_INPUT_MAX_ROWS); "
        "bagi berkasnya lalu kirim per bagian.",
        "en": "{file}: the file has more than {limit} rows (TERPADU_INPUT_MAX_ROWS); split it "
        "and send it in parts.",
    },
    "input_line_too_long": {
        "id": "{file}: baris {row} lebih panjang dari {limit_text} tanpa ganti baris "
        "(TERPADU_INPUT_MAX_LINE_BYTES); ini bukan tabel CSV yang wajar, berkas tidak dibaca.",
        "en": "{file}: line {row} runs past {limit_text} without a line break "
        "(TERPADU_INPUT_MAX_LINE_BYTES); this is no ordinary CSV table, the file was not read.",
    },
    "xlsx_inflated_too_big": {
        "id": "{file}: isi workbook ini {found_text} setelah dibuka, melebihi batas {limit_text} "
        "(TERPADU_XLSX_MAX_INFLATED_BYTES); simpan sebagai CSV atau bagi berkasnya.",
        "en": "{file}: this workbook unpacks to {found_text}, over the limit of {limit_text} "
        "(TERPADU_XLSX_MAX_INFLATED_BYTES); save it as CSV or split it.",
    },
    "xlsx_ratio_too_high": {
        "id": "{file}: bagian {member} memampat {found} kali, melebihi batas {limit} kali "
        "(TERPADU_XLSX_MAX_RATIO); berkas seperti ini adalah bom zip, tidak dibaca.",
        "en": "{file}: part {member} is compressed {found} times, over the limit of {limit} "
        "(TERPADU_XLSX_MAX_RATIO); such a file is a zip bomb and was not read.",
    },
    "xlsx_too_many_sheets": {
        "id": "{file}: workbook berisi {found} sheet, melebihi batas {limit} "
        "(TERPADU_XLSX_MAX_SHEETS); simpan sheet datanya saja.",
        "en": "{file}: the workbook has {found} sheets, over the limit of {limit} "
        "(TERPADU_XLSX_MAX_SHEETS); save the data sheet alone.",
    },
    "xlsx_shared_strings_too_big": {
        "id": "{file}: daftar teks bersama (sharedStrings) berukuran {found_text}, melebihi "
        "batas {limit_text} (TERPADU_XLSX_MAX_SHARED_STRINGS_BYTES); simpan sebagai CSV.",
        "en": "{file}: the shared-strings table is {found_text}, over the limit of "
        "{limit_text} (TERPADU_XLSX_MAX_SHARED_STRINGS_BYTES); save it as CSV.",
    },
    "xlsx_member_mismatch": {
        "id": "{file}: bagian {member} berisi lebih banyak data daripada yang tercatat di daftar "
        "isi zip (berkas rusak atau dibuat untuk menipu); berkas tidak dibaca.",
        "en": "{file}: part {member} holds more data than the zip's directory says (damaged, "
        "or made to deceive); the file was not read.",
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
    "first_admin_missing": {
        "id": "buat admin pertama: terpadu users add NAMA --role admin_provinsi --region KODE "
        "(atau --role admin_sistem), lalu masuk: terpadu login",
        "en": "make the first admin: terpadu users add NAME --role admin_provinsi --region CODE "
        "(or --role admin_sistem), then log in: terpadu login",
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
