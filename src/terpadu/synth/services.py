"""The social-services lists of a generated kab/kota, written as its office would send them.

``lembaga.csv`` (institutions: panti and LKS by kind with plausible capacities, accreditations
some expired or expiring), ``sdm.csv`` (a TKSK in almost every kecamatan, PKH facilitators by
the kecamatan's families, a PSM per desa, Sakti Peksos, penyuluh, a KUBE facilitator, Tagana
and Karang Taruna officers) and ``pengaduan.csv`` (a few months of complaints in every state,
about registry persons by NIK, some referred, some left open past their deadline), in the
layouts of ``terpadu lembaga|sdm|pengaduan impor`` (docs/formats.md), so that the demo goes
through the importers. Names come from Faker's ``id_ID`` lists; everything is drawn from the
seed and the lists' date, so the same seed and date give the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl
from faker import Faker

from terpadu.synth.regions import RegionFrame

#: The seed sequence key of the services' own random stream (the registry's is untouched).
SERVICES_STREAM: Final = 2
#: Families per PKH facilitator (the norm of ``terpadu sdm beban``) and the share of a
#: kecamatan's families taken to be enrolled in PKH.
FAMILIES_PER_FACILITATOR: Final = 250
PKH_SHARE: Final = 0.3
#: Days of complaints in the log, counted back from the lists' date.
COMPLAINT_DAYS: Final = 120

LEMBAGA_COLUMNS: Final = (
    "NO_REGISTRASI", "NAMA_LEMBAGA", "BENTUK", "JENIS", "PEMILIK", "STATUS_HUKUM",
    "AKREDITASI", "TGL_AKREDITASI", "AKREDITASI_BERLAKU_SAMPAI", "DAYA_TAMPUNG",
    "JUMLAH_PEGAWAI", "KODE_WILAYAH", "ALAMAT",
)  # fmt: skip
SDM_COLUMNS: Final = (
    "NIK", "NAMA", "PERAN", "SERTIFIKASI", "TGL_SERTIFIKASI", "WILAYAH_TUGAS", "NAMA_AKUN",
    "NAMA_KARANG_TARUNA", "JABATAN", "TELEPON", "AKTIF",
)  # fmt: skip
PENGADUAN_COLUMNS: Final = (
    "NO_PENGADUAN", "TGL_PENGADUAN", "KATEGORI", "SALURAN", "STATUS", "TGL_STATUS",
    "KODE_WILAYAH", "NAMA_PELAPOR", "KONTAK_PELAPOR", "URAIAN", "NIK", "NAMA_SASARAN",
    "HASIL", "RUJUKAN_KE", "LEMBAGA_RUJUKAN", "PETUGAS",
)  # fmt: skip

# (form, kind, owner, capacity, name) of each institution a kab/kota keeps, per its size.
_INSTITUTIONS: Final = (
    ("panti", "anak", "masyarakat", 40, "Panti Asuhan"),
    ("panti", "anak", "masyarakat", 40, "Panti Asuhan"),
    ("panti", "lansia", "pemda", 100, "Panti Sosial Tresna Werdha"),
    ("panti", "disabilitas", "masyarakat", 20, "Panti Disabilitas"),
    ("panti", "anak", "masyarakat", 40, "Panti Asuhan"),
    ("panti", "lansia", "masyarakat", 40, "Panti Werdha"),
    ("panti", "rehabilitasi", "pemerintah", 30, "Panti Rehabilitasi Sosial"),
    ("lks", "anak", "masyarakat", 0, "LKS"),
    ("lk3", "lainnya", "pemda", 0, "LK3"),
    ("rumah singgah", "anak", "masyarakat", 20, "Rumah Singgah"),
    ("panti", "disabilitas", "masyarakat", 20, "Panti Disabilitas"),
    ("panti", "anak", "masyarakat", 40, "Panti Asuhan"),
    ("lks", "lansia", "masyarakat", 0, "LKS"),
)
_FOUNDATIONS: Final = (
    "Al Ikhlas", "Nurul Iman", "Darul Falah", "Bina Insani", "Kasih Ibu", "Harapan Bangsa",
    "Mitra Sejahtera", "Budi Mulia", "Al Hidayah", "Putra Bangsa", "Insan Mandiri", "Pelita",
)  # fmt: skip
# Days from the lists' date to each accredited institution's expiry, in turn: expired,
# expiring within the pipeline's 180 days, and valid for years.
_EXPIRY_OFFSETS: Final = (-200, 90, 700, -30, 150, 1200, 400, 60)
_GRADES: Final = ("A", "B", None, "C", "B", "A", None, "B")

# Category: its label, share of the log, and what its complaint says.
_CATEGORIES: Final = (
    ("miskin belum terdaftar", 0.25, "Keluarga miskin belum terdaftar di DTKS"),
    ("terdaftar tidak miskin", 0.10, "Tetangga terdaftar padahal mampu"),
    ("data salah", 0.25, "Data keluarga di DTKS salah (alamat/anggota)"),
    ("bantuan tidak cair", 0.20, "Bantuan tidak cair, saldo KKS nol"),
    ("permohonan bantuan", 0.15, "Mohon bantuan sembako/biaya berobat"),
    ("lainnya", 0.05, "Pertanyaan tentang syarat bantuan"),
)
_OUTCOME: Final = {
    "miskin belum terdaftar": "tidak layak",
    "terdaftar tidak miskin": "tidak ada perubahan",
    "data salah": "tidak ada perubahan",
    "bantuan tidak cair": "pembayaran ditindaklanjuti",
    "permohonan bantuan": "bantuan diberikan",
    "lainnya": "tidak ada perubahan",
}
_CHANNELS: Final = ("datang langsung", "desa", "pendamping", "telepon", "surat", "web")
_REFERRALS: Final = (
    ("kesehatan", "BPJS Kesehatan"),
    ("dukcapil", "Dinas Dukcapil"),
    ("pendidikan", "Dinas Pendidikan"),
    ("dinas lain", "Dinas Kesehatan"),
)
# Every state of the flow, the first complaints in turn, so the log shows each one.
_STATES: Final = ("diterima", "diperiksa", "dikunjungi", "diputuskan", "dirujuk", "selesai")


@dataclass(frozen=True)
class ServicesSummary:
    """Rows of each list written."""

    institutions: int
    workers: int
    complaints: int


def write_services(
    regions: RegionFrame,
    kab_code: str,
    seed: int,
    as_of: dt.date,
    outdir: Path,
    files: dict[str, Path],
) -> ServicesSummary:
    """Write the three lists into ``outdir`` (their paths into ``files``), after the registry
    files (``files["keluarga"]``, ``files["anggota"]``) whose families and persons they use."""
    r = random.Random(f"{seed}:{SERVICES_STREAM}")
    fake = Faker("id_ID")
    fake.seed_instance(seed * 10 + SERVICES_STREAM)
    desa = [c.replace(".", "") for c in regions.desa_code]
    names = dict(zip(desa, regions.desa_name, strict=True))
    families = _families(files["keluarga"], set(desa))
    institutions = _institutions(r, desa, names, kab_code, as_of)
    workers = _workers(r, fake, desa, names, families, as_of)
    tksk = {row["WILAYAH_TUGAS"]: row["NAMA_AKUN"] for row in workers if row["PERAN"] == "tksk"}
    complaints = _complaints(r, fake, _persons(files["anggota"], families), desa, tksk, as_of)
    for key, rows, columns in (
        ("lembaga", institutions, LEMBAGA_COLUMNS),
        ("sdm", workers, SDM_COLUMNS),
        ("pengaduan", complaints, PENGADUAN_COLUMNS),
    ):
        files[key] = outdir / f"{key}.csv"
        _write(files[key], columns, rows)
    return ServicesSummary(len(institutions), len(workers), len(complaints))


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _families(keluarga: Path, desa: set[str]) -> pl.DataFrame:
    """ID_KELUARGA and its desa (10 digits), for the families whose desa code is sound."""
    frame = pl.read_csv(keluarga, infer_schema=False, columns=["ID_KELUARGA", "KODE_WILAYAH"])
    return frame.with_columns(pl.col("KODE_WILAYAH").str.replace_all(".", "", literal=True)).filter(
        pl.col("KODE_WILAYAH").is_in(list(desa))
    )


def _persons(anggota: Path, families: pl.DataFrame) -> list[tuple[str, str, str]]:
    """(NIK, name, desa) of the registry persons with a clean NIK, in file order."""
    frame = pl.read_csv(anggota, infer_schema=False, columns=["ID_KELUARGA", "NIK", "NAMA"])
    clean = frame.filter(pl.col("NIK").str.contains(r"^\d{16}$")).unique("NIK", keep="none")
    joined = clean.join(families, on="ID_KELUARGA", maintain_order="left")
    return list(joined.select("NIK", "NAMA", "KODE_WILAYAH").iter_rows())


def _institutions(
    r: random.Random, desa: list[str], names: dict[str, str], kab: str, as_of: dt.date
) -> list[dict[str, str]]:
    rows = []
    count = min(len(_INSTITUTIONS), max(6, len(desa) // 25))
    for i, (form, kind, owner, capacity, prefix) in enumerate(_INSTITUTIONS[:count]):
        place = r.choice(desa)
        grade = _GRADES[i % len(_GRADES)]
        expires = as_of + dt.timedelta(days=_EXPIRY_OFFSETS[i % len(_EXPIRY_OFFSETS)])
        accredited = expires.replace(year=expires.year - 5) if grade else None
        foundation = _FOUNDATIONS[i % len(_FOUNDATIONS)]
        rows.append(
            {
                "NO_REGISTRASI": f"LKS-{kab}-{i + 1:03d}",
                "NAMA_LEMBAGA": f"{prefix} {foundation} {names[place].title()}",
                "BENTUK": form,
                "JENIS": kind,
                "PEMILIK": owner,
                "STATUS_HUKUM": ""
                if owner != "masyarakat"
                else f"Yayasan, AHU-{r.randint(10**6, 10**7 - 1)}",
                "AKREDITASI": grade or "belum",
                "TGL_AKREDITASI": accredited.isoformat() if accredited else "",
                "AKREDITASI_BERLAKU_SAMPAI": expires.isoformat() if grade else "",
                "DAYA_TAMPUNG": str(capacity),
                "JUMLAH_PEGAWAI": str(max(2, capacity // 5 + r.randint(0, 3))),
                "KODE_WILAYAH": place,
                "ALAMAT": f"Jl. {r.choice(_FOUNDATIONS)} No. {r.randint(1, 120)}",
            }
        )
    return rows


class _People:
    """Workers' NIKs (a real kecamatan, a birth date, a serial no one else has) and names."""

    def __init__(self, r: random.Random, fake: Faker, as_of: dt.date) -> None:
        self.r, self.fake, self.as_of, self.serial = r, fake, as_of, 7000

    def person(self, kec: str) -> tuple[str, str]:
        female = self.r.random() < 0.45
        born = dt.date(self.r.randint(1965, 2000), self.r.randint(1, 12), self.r.randint(1, 28))
        self.serial += 1
        nik = f"{kec}{born.day + 40 * female:02d}{born.month:02d}{born.year % 100:02d}"
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        return f"{nik}{self.serial:04d}", f"{first} {self.fake.last_name()}"

    def row(self, kec: str, role: str, regions: str, **extra: str) -> dict[str, str]:
        nik, name = self.person(kec)
        certified = self.r.random() < 0.4
        since = self.as_of - dt.timedelta(days=self.r.randint(60, 2000))
        return {
            "NIK": nik,
            "NAMA": name,
            "PERAN": role,
            "SERTIFIKASI": "ya" if certified else "belum",
            "TGL_SERTIFIKASI": since.isoformat() if certified else "",
            "WILAYAH_TUGAS": regions,
            "TELEPON": f"08{self.r.randint(10**9, 10**10 - 1)}",
            "AKTIF": "ya",
        } | extra


def _workers(
    r: random.Random,
    fake: Faker,
    desa: list[str],
    names: dict[str, str],
    families: pl.DataFrame,
    as_of: dt.date,
) -> list[dict[str, str]]:
    people = _People(r, fake, as_of)
    kecamatan = sorted({d[:6] for d in desa})
    per_kec = dict(families.group_by(pl.col("KODE_WILAYAH").str.slice(0, 6)).len().iter_rows())
    kab = kecamatan[0][:4]
    rows: list[dict[str, str]] = []
    # A TKSK in every kecamatan but the last, which the caseload shows short of staff.
    for kec in kecamatan[:-1] if len(kecamatan) > 2 else kecamatan:
        rows.append(people.row(kec, "tksk", kec, NAMA_AKUN=f"tksk{kec}"))
    for kec in kecamatan:
        pkh = per_kec.get(kec, 0) * PKH_SHARE
        for _ in range(max(1, math.ceil(pkh / FAMILIES_PER_FACILITATOR))):
            rows.append(people.row(kec, "pendamping pkh", kec))
    for i, kec in enumerate(kecamatan[::4]):
        rows.append(people.row(kec, "sakti peksos", ";".join(kecamatan[4 * i : 4 * i + 4])))
    rows += [people.row(kecamatan[0], "penyuluh", kab) for _ in range(2)]
    rows.append(people.row(kecamatan[0], "pendamping kube", kab))
    rows += [people.row(r.choice(kecamatan), "tagana", kab) for _ in range(8)]
    for village in desa:
        rows.append(people.row(village[:6], "psm", village))
        if r.random() < 0.5:
            rows.append(
                people.row(
                    village[:6],
                    "karang taruna",
                    village,
                    NAMA_KARANG_TARUNA=f"Karang Taruna {names[village].title()}",
                    JABATAN="Ketua",
                )
            )
    return rows


def _complaints(
    r: random.Random,
    fake: Faker,
    persons: list[tuple[str, str, str]],
    desa: list[str],
    tksk: dict[str, str],
    as_of: dt.date,
) -> list[dict[str, str]]:
    count = max(24, min(400, len(persons) // 100))
    labels = [c for c, _, _ in _CATEGORIES]
    weights = [w for _, w, _ in _CATEGORIES]
    says = {c: words for c, _, words in _CATEGORIES}
    rows = []
    for i in range(count):
        age = r.randint(1, COMPLAINT_DAYS)
        received = as_of - dt.timedelta(days=age)
        # The first complaints show every state; the rest follow their age (old: closed).
        state = _STATES[i] if i < len(_STATES) else _state_by_age(r, age)
        category = r.choices(labels, weights)[0]
        if i == count - 1:  # the one the demo turns into its proposal
            category, state, received = "data salah", "diperiksa", as_of - dt.timedelta(days=2)
        moved = received + dt.timedelta(days=r.randint(0, max(0, (as_of - received).days - 1)))
        nik, subject, place = "", "", r.choice(desa)
        if category != "miskin belum terdaftar" and persons:
            nik, subject, place = r.choice(persons)
        service, referred_to = r.choice(_REFERRALS) if state == "dirujuk" else ("", "")
        rows.append(
            {
                "NO_PENGADUAN": f"SLRT-{place[:4]}-{i + 1:04d}",
                "TGL_PENGADUAN": received.isoformat(),
                "KATEGORI": category,
                "SALURAN": r.choice(_CHANNELS),
                "STATUS": state,
                "TGL_STATUS": moved.isoformat() if state != "diterima" else "",
                "KODE_WILAYAH": place,
                "NAMA_PELAPOR": fake.name(),
                "KONTAK_PELAPOR": f"08{r.randint(10**9, 10**10 - 1)}",
                "URAIAN": says[category],
                "NIK": nik,
                "NAMA_SASARAN": subject,
                "HASIL": _OUTCOME[category] if state in ("diputuskan", "selesai") else "",
                "RUJUKAN_KE": service,
                "LEMBAGA_RUJUKAN": referred_to,
                "PETUGAS": tksk.get(place[:6], ""),
            }
        )
    return rows


def _state_by_age(r: random.Random, age: int) -> str:
    if age <= 3:
        return r.choice(("diterima", "diperiksa"))
    if age <= 30:
        return r.choices(_STATES, (1, 3, 2, 2, 2, 3))[0]
    return r.choices(_STATES, (0.2, 0.5, 0.5, 1, 1, 8))[0]


__all__ = ["ServicesSummary", "write_services"]
