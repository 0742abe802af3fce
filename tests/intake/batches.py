"""Small hand-written batches with the faults real files have."""

from __future__ import annotations

from pathlib import Path

KELUARGA_HEADER = (
    "ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT,RT,RW,STATUS_BANGUNAN,LUAS_LANTAI,JENIS_LANTAI"
)
ANGGOTA_HEADER = "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA"

# Kramatwatu, Kabupaten Serang (Banten): kecamatan 36.04.05, desa 36.04.05.2001 / 2002.
GOOD_KELUARGA = [
    "K1,3604051507870001,3604052001,Kp. Baru,001,002,1,36.5,8",
    "K2,3604052001100002,36.04.05.2002,Kp. Lama,003,001,2,20,6",
]
GOOD_ANGGOTA = [
    "A1,K1,3604051507870001,Ahmad bin Salim,1,1987-07-15,1",
    "A2,K1,3604054107870002,Siti Aminah,2,1987-07-01,2",
    "A3,K1,,Budi,1,2010-01-01,3",
    "A4,K2,3604050203900003,Joko Susilo,1,1990-03-02,1",
]


def write_csv(
    path: Path, header: str, rows: list[str], *, sep: str = ",", encoding: str = "utf-8"
) -> Path:
    lines = [header, *rows]
    if sep != ",":
        lines = [line.replace(",", sep) for line in lines]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def good_batch(folder: Path) -> tuple[Path, Path]:
    return (
        write_csv(folder / "keluarga.csv", KELUARGA_HEADER, GOOD_KELUARGA),
        write_csv(folder / "anggota.csv", ANGGOTA_HEADER, GOOD_ANGGOTA),
    )
