"""Page labels in Bahasa Indonesia (default) and English (``?lang=en`` or the language cookie).

Messages that come from the domain packages (verval, intake) stay in Bahasa
Indonesia: they quote the operator's own data and rules.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("id", "en")

LABELS: Final[dict[str, tuple[str, str]]] = {
    "app": ("Terpadu", "Terpadu"),
    "login": ("Masuk", "Log in"),
    "logout": ("Keluar", "Log out"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "bad_login": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "throttled": (
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
        "Too many failed login attempts. Try again in {minutes} minutes.",
    ),
    "login_form_expired": (
        "Formulir masuk kedaluwarsa atau tidak sah; silakan masuk lagi dengan formulir ini.",
        "The login form has expired or is not valid; please log in again with this form.",
    ),
    "users": ("Pengguna", "Users"),
    "role": ("Peran", "Role"),
    "actions": ("Tindakan", "Actions"),
    "active": ("aktif", "active"),
    "disabled": ("nonaktif", "disabled"),
    "last_login": ("Terakhir masuk", "Last login"),
    "service_account": ("akun layanan", "service account"),
    "disable": ("Nonaktifkan", "Disable"),
    "enable": ("Aktifkan", "Enable"),
    "unlock": ("Buka kunci", "Unlock"),
    "new_password": ("Kata sandi baru", "New password"),
    "reset_password": ("Ganti kata sandi", "Reset password"),
    "change_role": ("Ubah peran/wilayah", "Change role/region"),
    "add_user": ("Tambah pengguna", "Add user"),
    "unlock_address": ("Buka kunci alamat IP", "Unlock an IP address"),
    "ip_address": ("Alamat IP", "IP address"),
    "admin_forbidden": (
        "Peran Anda tidak boleh mengelola pengguna.",
        "Your role may not manage users.",
    ),
    "admin_no_user": ("Pengguna tidak ditemukan.", "User not found."),
    "admin_done_create": ("Pengguna dibuat.", "User created."),
    "admin_done_disable": (
        "Pengguna dinonaktifkan; semua sesinya berakhir.",
        "User disabled; all their sessions ended.",
    ),
    "admin_done_enable": ("Pengguna diaktifkan kembali.", "User enabled again."),
    "admin_done_unlock": (
        "Percobaan masuk gagal pengguna ini dilupakan.",
        "The user's failed logins are forgotten.",
    ),
    "admin_done_reset": (
        "Kata sandi diganti; semua sesi pengguna berakhir.",
        "Password reset; all the user's sessions ended.",
    ),
    "admin_done_role": (
        "Peran/wilayah diubah; semua sesi pengguna berakhir.",
        "Role/region changed; all the user's sessions ended.",
    ),
    "admin_done_unlock_address": (
        "Percobaan masuk gagal dari alamat itu dilupakan.",
        "The failed logins from that address are forgotten.",
    ),
    "dashboard": ("Beranda", "Dashboard"),
    "search": ("Cari", "Search"),
    "search_hint": ("NIK, nomor KK, nama, atau FAMILY_ID", "NIK, KK number, name or FAMILY_ID"),
    "families": ("Keluarga", "Families"),
    "persons": ("Anggota", "Persons"),
    "family": ("Keluarga", "Family"),
    "members": ("Anggota keluarga", "Members"),
    "status": ("Status", "Status"),
    "status_history": ("Riwayat status", "Status history"),
    "desil": ("Desil", "Decile"),
    "desil_distribution": ("Sebaran desil", "Decile distribution"),
    "desil_relative": (
        "Desil relatif (registri: {region})",
        "Registry-relative decile (registry: {region})",
    ),
    "desil_relative_note": (
        "Dihitung atas keluarga di registri ini saja; bukan desil nasional.",
        "Ranked against the families in this registry only; not the national decile.",
    ),
    "desil_national": ("Desil nasional DTSEN", "National DTSEN decile"),
    "desil_national_none": ("belum diimpor", "not imported"),
    "deprivation": ("Profil deprivasi", "Deprivation profile"),
    "programs": ("Program", "Programmes"),
    "proposals": ("Usulan", "Proposals"),
    "audit": ("Jejak audit", "Audit trail"),
    "import": ("Impor", "Import"),
    "verval": ("Verval", "Verification"),
    "linkage": ("Tinjau duplikat", "Linkage review"),
    "reports": ("Laporan", "Reports"),
    "no_results": ("Tidak ada hasil.", "No results."),
    "results": ("{n} hasil", "{n} results"),
    "results_more": ("lebih dari {n} hasil", "more than {n} results"),
    "fuzzy": (
        "Tidak ada yang persis sama; ini nama yang mirip.",
        "No exact match; these names are similar.",
    ),
    "name": ("Nama", "Name"),
    "nik": ("NIK", "NIK"),
    "no_kk": ("Nomor KK", "KK number"),
    "birth_date": ("Tanggal lahir", "Birth date"),
    "region": ("Wilayah", "Region"),
    "address": ("Alamat", "Address"),
    "source": ("Sumber", "Source"),
    "relation": ("Hubungan", "Relation"),
    "sex": ("JK", "Sex"),
    "open": ("Buka", "Open"),
    "state": ("Tahap", "State"),
    "kind": ("Jenis", "Kind"),
    "created_by": ("Dibuat oleh", "Created by"),
    "waiting_on": ("Menunggu", "Waiting on"),
    "age_days": ("Umur (hari)", "Age (days)"),
    "overdue": ("lewat target", "overdue"),
    "note": ("Catatan", "Note"),
    "reason": ("Alasan", "Reason"),
    "field": ("Kolom", "Field"),
    "value": ("Nilai baru", "New value"),
    "new_proposal": ("Buat usulan", "New proposal"),
    "create": ("Simpan", "Save"),
    "selected": ("yang dipilih", "selected"),
    "all_states": ("Semua tahap", "All states"),
    "action_submit": ("Ajukan", "Submit"),
    "action_verify": ("Verifikasi", "Verify"),
    "action_approve": ("Setujui", "Approve"),
    "action_reject": ("Tolak", "Reject"),
    "action_return": ("Kembalikan", "Return"),
    "done": ("Berhasil", "Done"),
    "failed": ("Gagal", "Failed"),
    "file_keluarga": ("Berkas keluarga (CSV/XLSX/Parquet)", "Keluarga file (CSV/XLSX/Parquet)"),
    "file_anggota": ("Berkas anggota (CSV/XLSX/Parquet)", "Anggota file (CSV/XLSX/Parquet)"),
    "sheet_keluarga": (
        "Sheet keluarga (XLSX, kosongkan untuk sheet pertama)",
        "Keluarga sheet (XLSX, blank for the first sheet)",
    ),
    "sheet_anggota": (
        "Sheet anggota (XLSX; satu workbook boleh diunggah dua kali)",
        "Anggota sheet (XLSX; one workbook may be uploaded twice)",
    ),
    "as_of": (
        "Tanggal data (TTTT-BB-HH atau periode TTTT-BB; kosongkan bila tidak tahu)",
        "Date of the data (YYYY-MM-DD or period YYYY-MM; blank if unknown)",
    ),
    "upload": ("Unggah dan impor", "Upload and import"),
    "progress": ("Kemajuan", "Progress"),
    "error_report": ("Unduh daftar masalah", "Download problem list"),
    "quality": ("Masalah kualitas data per wilayah", "Data-quality problems by region"),
    "errors": ("Galat", "Errors"),
    "warnings": ("Peringatan", "Warnings"),
    "poverty_profile": ("Profil kemiskinan", "Poverty profile"),
    "headcount": ("Persentase miskin multidimensi (H)", "Multidimensional headcount (H)"),
    "intensity": ("Intensitas (A)", "Intensity (A)"),
    "m0": ("Indeks M0", "M0 index"),
    "download_bnba": ("Unduh BNBA", "Download BNBA"),
    "previous": ("Sebelumnya", "Previous"),
    "next": ("Berikutnya", "Next"),
    "read_only": ("Hanya baca", "Read only"),
    "language": ("English", "Bahasa Indonesia"),
    "not_found": (
        "Data tidak ditemukan atau di luar wilayah Anda.",
        "Not found or outside your region.",
    ),
    "comment": ("Komentar", "Comment"),
    "send": ("Kirim", "Send"),
    "steps": ("Langkah", "Steps"),
    "payload": ("Isi usulan", "Proposal content"),
    "pmt": ("Skor PMT", "PMT score"),
    "rank": ("Peringkat", "Rank"),
    "none_yet": ("Belum ada.", "None yet."),
    "same_person": ("Orang yang sama", "Same person"),
    "different_person": ("Orang berbeda", "Different persons"),
}


def translate(language: str, key: str, **values: object) -> str:
    """The label ``key`` in ``language`` (Bahasa Indonesia when unknown)."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    text = entry[1] if language == "en" else entry[0]
    return text.format(**values) if values else text


# Code values shown to people.
STATE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "draft": ("draf", "draft"),
    "submitted": ("diajukan", "submitted"),
    "verified": ("diverifikasi", "verified"),
    "approved": ("disetujui", "approved"),
    "rejected": ("ditolak", "rejected"),
    "returned": ("dikembalikan", "returned"),
}
