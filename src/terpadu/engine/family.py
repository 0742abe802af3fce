"""What a family profile is made of, named once for welfare and targeting.

Both the welfare profile (PMT proxies, deprivation) and the targeting profile (what a
programme's rules test) describe a family by its dwelling and assets and by counts of
its members. The columns and the count conditions live here; each consumer keeps the
output names its users and exports already know, mapped at its edge.
"""

from __future__ import annotations

#: Coded dwelling columns of the registry's family row (FORMATS.md codes; ``daya_listrik`` in VA).
DWELLING_CODES: tuple[str, ...] = (
    "status_bangunan",
    "jenis_lantai",
    "jenis_dinding",
    "jenis_atap",
    "sumber_air_minum",
    "sumber_penerangan",
    "daya_listrik",
    "bahan_bakar_masak",
    "fasilitas_bab",
)

#: Asset ownership flags (0/1) of the family row.
ASSETS: tuple[str, ...] = (
    "aset_tabung_gas",
    "aset_kulkas",
    "aset_ac",
    "aset_tv",
    "aset_emas",
    "aset_komputer",
    "aset_sepeda_motor",
    "aset_mobil",
    "aset_perahu_motor",
    "aset_rumah_lain",
)

#: Every dwelling and asset column, in the registry's order (floor area after tenure, land
#: and livestock last): the order decision files and exports show them in.
DWELLING_AND_ASSETS: tuple[str, ...] = (
    DWELLING_CODES[0],
    "luas_lantai",
    *DWELLING_CODES[1:],
    *ASSETS,
    "luas_lahan",
    "jumlah_ternak",
)

#: Member counts both profiles take, as conditions over one member row (``umur`` in
#: completed years at the reference date, the person's coded columns).
MEMBER_COUNTS: dict[str, str] = {
    "lansia_60": "umur >= 60",
    "usia_kerja": "umur BETWEEN 15 AND 64",
    "bekerja": "umur >= 15 AND status_pekerjaan BETWEEN 1 AND 6",
    "hamil": "hamil = 1",
    "penyakit_kronis": "penyakit_kronis = 1",
    "anak_tidak_sekolah": "umur BETWEEN 7 AND 18 AND partisipasi_sekolah IN (0, 2)",
}
