"""Operator-facing messages for the problems found reading and cleaning a file.

Codes are English and stable (scripts and reports filter on them); messages
are Bahasa Indonesia, written for a village operator fixing a spreadsheet.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # form
    "required": "Kolom {column} wajib diisi tetapi kosong.",
    "code_unknown": "Nilai '{value}' tidak dikenal untuk {column}. Isi dengan kode angka atau label yang sah.",
    "number_invalid": "Nilai '{value}' pada {column} bukan angka.",
    "number_out_of_range": "Nilai '{value}' pada {column} di luar batas yang wajar.",
    "power_invalid": "Daya listrik '{value}' tidak sah: isi 450, 900, 1300, 2200, atau 3500 ke atas (VA).",
    "date_invalid": "Tanggal '{value}' pada {column} tidak bisa dibaca. Gunakan format TTTT-BB-HH atau HH-BB-TTTT.",
    "date_future": "Tanggal '{value}' pada {column} ada di masa depan.",
    "date_too_old": "Tanggal '{value}' pada {column} terlalu lama (sebelum 1900).",
    "text_too_long": "Isi kolom {column} terlalu panjang ({value}).",
    # identity numbers
    "number_digits_lost": "{column} '{value}' rusak oleh Excel (notasi ilmiah): sebagian digit hilang dan tidak bisa dipulihkan. Ketik ulang sebagai teks.",
    "number_not_digits": "{column} '{value}' mengandung karakter selain angka.",
    "nik_length": "NIK '{value}' harus 16 digit angka.",
    "nik_not_digits": "NIK '{value}' mengandung karakter selain angka.",
    "nik_province_unknown": "NIK '{value}': kode provinsi (2 digit pertama) tidak dikenal.",
    "nik_region_zero": "NIK '{value}': kode kabupaten/kota atau kecamatan tidak boleh 00.",
    "nik_date_invalid": "NIK '{value}': tanggal lahir di dalam NIK (digit 7-12) tidak mungkin.",
    "nik_date_future": "NIK '{value}': tanggal lahir di dalam NIK ada di masa depan.",
    "nik_serial_zero": "NIK '{value}': nomor urut (4 digit terakhir) tidak boleh 0000.",
    "nik_region_unknown": "NIK '{value}': kode kabupaten/kecamatan tidak ada di daftar wilayah terbaru (mungkin kode lama sebelum pemekaran).",
    "nik_placeholder": "NIK '{value}' dibaca sebagai kosong: orang ini didaftarkan tanpa NIK dan ditandai untuk perekaman Dukcapil.",
    "kk_placeholder": "Nomor KK '{value}' dibaca sebagai kosong.",
    "kk_length": "Nomor KK '{value}' harus 16 digit angka.",
    "kk_not_digits": "Nomor KK '{value}' mengandung karakter selain angka.",
    "kk_province_unknown": "Nomor KK '{value}': kode provinsi tidak dikenal.",
    "kk_region_zero": "Nomor KK '{value}': kode kabupaten/kota atau kecamatan tidak boleh 00.",
    "kk_serial_zero": "Nomor KK '{value}': nomor urut (4 digit terakhir) tidak boleh 0000.",
    "kk_date_invalid": "Nomor KK '{value}': tanggal terbit di dalam nomor (digit 7-12) tidak mungkin.",
    # regions
    "region_format": "Kode wilayah '{value}' harus kode desa/kelurahan 10 digit (contoh 36.04.01.2001).",
    "region_unknown": "Kode wilayah '{value}' tidak ada di daftar desa/kelurahan Kemendagri.",
    # the file's form
    "unbalanced_quote_repaired": "Tanda kutip (\") di baris ini tidak pernah ditutup; tanda kutip itu dibaca sebagai huruf biasa agar baris-baris berikutnya tidak ikut tertelan ke dalam satu nilai. Periksa nilainya: '{value}'",
    "unbalanced_quote": "Tanda kutip (\") di baris ini tidak pernah ditutup, dan baris ini tidak bisa dibagi menjadi kolom-kolom judul; baris ini tidak dimuat, baris-baris berikutnya tetap dibaca. Perbaiki lalu kirim ulang: '{value}'",
    "row_not_text": "Baris ini berisi byte kendali atau biner (mis. deretan NUL), bukan teks: bagian berkas ini rusak saat disimpan atau dikirim. Baris ini tidak dimuat, baris-baris lain tetap dibaca. Perbaiki lalu kirim ulang: '{value}'",
    "row_too_few_fields": "Baris terakhir berisi lebih sedikit nilai daripada kolom judul dan tidak diakhiri ganti baris: berkas tampaknya terpotong saat dikirim. Baris ini tidak dimuat; kirim ulang berkas yang utuh: '{value}'",
    "header_repeated": "Baris judul kolom muncul lagi di tengah berkas (beberapa ekspor digabung?); baris ini dilewati: '{value}'",
    "column_duplicated": "Kolom {column} ada dua kali ({value}) dengan isi yang sama di setiap baris; kolom yang pertama dipakai.",
    "invisible_char_removed": "Karakter tak terlihat (BOM, spasi lebar-nol, atau spasi tak-putus) dihapus dari {column}: '{value}'.",
    "control_char_removed": "Karakter kendali (mis. NUL) dihapus dari {column}: '{value}'. Periksa nilainya.",
    "control_char_in_key": "{column} '{value}' berisi karakter kendali (mis. NUL): kunci atau kode ini tidak bisa dipastikan utuh, jadi baris ini tidak dimuat. Ketik ulang nilainya lalu kirim ulang.",
    "line_endings_cr": "Akhir baris berkas ini {value}; berkas tetap dibaca, setiap CR dianggap ganti baris.",
    "encoding_guessed": 'Berkas ini {value} (ekspor "Unicode Text"); berkas tetap dibaca.',
    "encoding_mixed": "Baris ini bukan UTF-8 seperti baris lain di berkas ini; dibaca sebagai Windows-1252. Periksa huruf-hurufnya: '{value}'",
    "cell_too_long": "Isi kolom {column} terlalu panjang ({value}); baris ini tidak dimuat, baris-baris lain tetap dibaca. Periksa tanda kutip yang tidak ditutup di sekitar baris ini (batas: TERPADU_INPUT_MAX_CELL_CHARS).",
    "row_too_many_fields": "Baris ini berisi lebih banyak nilai daripada kolom judul, sehingga nilai-nilainya bergeser (biasanya pemisah koma/titik koma di dalam alamat atau nama yang tidak diberi tanda kutip). Perbaiki barisnya lalu kirim ulang: '{value}'",
}


def message(code: str, column: str | None = None, value: str | None = None) -> str:
    """The message for ``code``, filled with the column and the value as received."""
    template = MESSAGES.get(code, "Masalah '{code}' pada {column}: '{value}'.")
    return template.format(column=column or "-", value="" if value is None else value, code=code)
