"""The input layouts: the columns of the keluarga and anggota files (docs/formats.md).

A layout is a tuple of :class:`Column`; reading a file against one is
:func:`terpadu.files.clean_table`. The registry's field lists come from here too,
so that intake (which loads them) and verval (which changes them) name the same fields.

Each column has a kind that says how it is cleaned and checked, and, for coded
columns, the accepted codes with their labels: a value may be sent as the
number (``1``) or a label (``Laki-laki``, ``L``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal[
    "key", "text", "code", "flag", "int", "number", "date", "nik", "kk", "region", "power"
]

_HEADER_NOISE = re.compile(r"[\s._\-/]+")
# A header name holds no quotes: one left over from a stray quote (`"ID_ANGGOTA`) or
# Excel's apostrophe is noise too, or the column's values would go unrecognised.
_HEADER_QUOTES = re.compile(r"[\"'\u2018\u2019\u201c\u201d]+")


def normalize_header(name: str) -> str:
    """Fold a header for matching: case, spaces, dots, dashes, underscores, quotes ignored."""
    folded = _HEADER_NOISE.sub("", name.strip().lstrip("\ufeff")).lower()
    return _HEADER_QUOTES.sub("", folded)


def normalize_label(value: str) -> str:
    """Fold a code label for matching (``Laki-laki`` → ``lakilaki``)."""
    return _HEADER_NOISE.sub("", value.strip()).lower()


@dataclass(frozen=True)
class Column:
    """One column of an input layout."""

    name: str
    kind: Kind
    target: str  # attribute of the registry model it lands in
    required: bool = False
    aliases: tuple[str, ...] = ()
    codes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    min_value: float | None = None
    min_inclusive: bool = True
    max_value: float | None = None

    def label_map(self) -> dict[str, int]:
        """Every accepted spelling of every code, folded, mapped to the code."""
        mapping: dict[str, int] = {}
        for code, labels in self.codes.items():
            mapping[str(code)] = code
            mapping[f"{code}.0"] = code
            mapping[f"{code:02d}"] = code
            for label in labels:
                mapping[normalize_label(label)] = code
        return mapping


FLAG_LABELS: dict[int, tuple[str, ...]] = {
    0: ("tidak", "t", "no", "n", "false", "tidak ada", "bukan"),
    1: ("ya", "y", "yes", "true", "ada", "punya"),
}


def _flag(name: str, *aliases: str) -> Column:
    return Column(name, "flag", name.lower(), aliases=aliases, codes=FLAG_LABELS)


KELUARGA_COLUMNS: tuple[Column, ...] = (
    Column(
        "ID_KELUARGA",
        "key",
        "source_key",
        required=True,
        aliases=("idkeluarga", "idkel", "idrt", "idrumahtangga", "kodekeluarga"),
    ),
    Column("NO_KK", "kk", "no_kk", aliases=("nokk", "nomorkk", "kk", "nomorkartukeluarga")),
    Column(
        "KODE_WILAYAH",
        "region",
        "kode_wilayah",
        required=True,
        aliases=("kodewilayah", "kodedesa", "kddesa", "kodekelurahan", "kodewil"),
    ),
    Column("ALAMAT", "text", "alamat"),
    Column("RT", "text", "rt"),
    Column("RW", "text", "rw"),
    Column(
        "STATUS_BANGUNAN",
        "code",
        "status_bangunan",
        codes={
            1: ("milik sendiri", "sendiri", "milik"),
            2: ("kontrak/sewa", "kontrak", "sewa"),
            3: ("bebas sewa", "numpang"),
            4: ("dinas",),
            5: ("lainnya",),
        },
    ),
    Column("LUAS_LANTAI", "number", "luas_lantai", min_value=0, min_inclusive=False),
    Column(
        "JENIS_LANTAI",
        "code",
        "jenis_lantai",
        codes={
            1: ("marmer/granit", "marmer", "granit"),
            2: ("keramik",),
            3: ("parket/vinil/karpet", "parket", "vinil", "karpet"),
            4: ("ubin/tegel/teraso", "ubin", "tegel", "teraso"),
            5: ("kayu/papan", "kayu", "papan"),
            6: ("semen/bata merah", "semen", "bata merah"),
            7: ("bambu",),
            8: ("tanah",),
            9: ("lainnya",),
        },
    ),
    Column(
        "JENIS_DINDING",
        "code",
        "jenis_dinding",
        codes={
            1: ("tembok",),
            2: ("plesteran anyaman bambu",),
            3: ("kayu/papan", "kayu", "papan"),
            4: ("anyaman bambu",),
            5: ("batang kayu",),
            6: ("bambu",),
            7: ("lainnya",),
        },
    ),
    Column(
        "JENIS_ATAP",
        "code",
        "jenis_atap",
        codes={
            1: ("beton",),
            2: ("genteng",),
            3: ("seng",),
            4: ("asbes",),
            5: ("kayu/sirap", "kayu", "sirap"),
            6: ("bambu",),
            7: ("jerami/ijuk/daun", "jerami", "ijuk", "daun", "rumbia"),
            8: ("lainnya",),
        },
    ),
    Column(
        "SUMBER_AIR_MINUM",
        "code",
        "sumber_air_minum",
        codes={
            1: ("kemasan", "air kemasan"),
            2: ("isi ulang", "air isi ulang"),
            3: ("leding", "ledeng", "pam"),
            4: ("sumur bor/pompa", "sumur bor", "pompa"),
            5: ("sumur terlindung",),
            6: ("sumur tak terlindung", "sumur tidak terlindung"),
            7: ("mata air terlindung",),
            8: ("mata air tak terlindung", "mata air tidak terlindung"),
            9: ("air permukaan", "sungai"),
            10: ("air hujan",),
            11: ("lainnya",),
        },
    ),
    Column(
        "SUMBER_PENERANGAN",
        "code",
        "sumber_penerangan",
        codes={
            1: ("PLN meteran", "listrik PLN meteran"),
            2: ("PLN tanpa meteran",),
            3: ("listrik non-PLN", "non PLN"),
            4: ("bukan listrik",),
        },
    ),
    Column("DAYA_LISTRIK", "power", "daya_listrik", aliases=("dayalistrikva", "daya")),
    Column(
        "BAHAN_BAKAR_MASAK",
        "code",
        "bahan_bakar_masak",
        codes={
            1: ("listrik",),
            2: ("gas > 3 kg", "gas lebih dari 3 kg", "gas besar"),
            3: ("gas 3 kg", "elpiji 3 kg", "gas melon"),
            4: ("biogas",),
            5: ("minyak tanah",),
            6: ("briket",),
            7: ("arang",),
            8: ("kayu bakar",),
            9: ("tidak memasak",),
            10: ("lainnya",),
        },
    ),
    Column(
        "FASILITAS_BAB",
        "code",
        "fasilitas_bab",
        codes={
            1: ("sendiri", "milik sendiri"),
            2: ("bersama",),
            3: ("umum",),
            4: ("tidak ada", "tidak punya"),
        },
    ),
    _flag("ASET_TABUNG_GAS"),
    _flag("ASET_KULKAS"),
    _flag("ASET_AC"),
    _flag("ASET_TV"),
    _flag("ASET_EMAS"),
    _flag("ASET_KOMPUTER"),
    _flag("ASET_SEPEDA_MOTOR"),
    _flag("ASET_MOBIL"),
    _flag("ASET_PERAHU_MOTOR"),
    _flag("ASET_RUMAH_LAIN"),
    Column("LUAS_LAHAN", "number", "luas_lahan", min_value=0),
    Column("JUMLAH_TERNAK", "int", "jumlah_ternak", min_value=0),
    Column(
        "PENGELUARAN_PERKAPITA", "number", "pengeluaran_perkapita", min_value=0, min_inclusive=False
    ),
    # The national DTSEN ranking as published for the family, when the sender has it:
    # targeting uses it before the registry-relative desil Terpadu computes.
    Column(
        "DESIL_NASIONAL",
        "int",
        "desil_nasional",
        aliases=("desildtsen", "desilnas"),
        min_value=1,
        max_value=10,
    ),
    Column(
        "PERSENTIL_NASIONAL",
        "number",
        "persentil_nasional",
        aliases=("persentildtsen", "persentilnas", "peringkatpersentil"),
        min_value=0,
        max_value=100,
    ),
)

ANGGOTA_COLUMNS: tuple[Column, ...] = (
    Column("ID_ANGGOTA", "text", "id_anggota", aliases=("idart", "idindividu")),
    Column(
        "ID_KELUARGA",
        "key",
        "family_key",
        required=True,
        aliases=("idkeluarga", "idkel", "idrt", "idrumahtangga", "kodekeluarga"),
    ),
    Column("NIK", "nik", "nik", aliases=("noktp", "nomorinduk", "nomorindukkependudukan")),
    Column("NAMA", "text", "nama", required=True, aliases=("namalengkap", "namaanggota")),
    Column(
        "JENIS_KELAMIN",
        "code",
        "jenis_kelamin",
        aliases=("jk", "kelamin", "sex"),
        codes={
            1: ("laki-laki", "laki", "l", "lk", "pria", "male", "m"),
            2: ("perempuan", "p", "pr", "wanita", "female", "f"),
        },
    ),
    Column("TEMPAT_LAHIR", "text", "tempat_lahir", aliases=("tmplahir", "tempatlhr")),
    Column(
        "TGL_LAHIR", "date", "tgl_lahir", aliases=("tanggallahir", "tgllhr", "tanggallhr", "dob")
    ),
    Column(
        "HUB_KELUARGA",
        "code",
        "hub_keluarga",
        aliases=("hubungankeluarga", "hubkel", "shdk", "hubungan"),
        codes={
            1: ("kepala keluarga", "kepala", "kk", "kepala rumah tangga", "krt"),
            2: ("istri/suami", "istri", "suami"),
            3: ("anak", "anak kandung", "anak tiri", "anak angkat", "anak kandung/tiri/angkat"),
            4: ("menantu",),
            5: ("cucu",),
            6: ("orang tua/mertua", "orang tua", "mertua", "orangtua"),
            7: ("pembantu", "pembantu rumah tangga", "pembantu/sopir"),
            8: ("lainnya", "famili lain"),
        },
    ),
    Column(
        "STATUS_KAWIN",
        "code",
        "status_kawin",
        aliases=("statusperkawinan", "kawin"),
        codes={
            1: ("belum kawin", "belum menikah", "lajang"),
            2: ("kawin", "menikah", "kawin tercatat", "kawin belum tercatat"),
            3: ("cerai hidup",),
            4: ("cerai mati",),
        },
    ),
    Column("NAMA_IBU_KANDUNG", "text", "nama_ibu_kandung", aliases=("namaibu", "ibukandung")),
    Column(
        "PARTISIPASI_SEKOLAH",
        "code",
        "partisipasi_sekolah",
        codes={
            0: ("tidak/belum pernah", "tidak pernah", "belum pernah"),
            1: ("masih sekolah",),
            2: ("tidak sekolah lagi",),
        },
    ),
    Column(
        "PENDIDIKAN_TERTINGGI",
        "code",
        "pendidikan_tertinggi",
        aliases=("ijazahtertinggi", "pendidikan"),
        codes={
            0: ("tidak punya",),
            1: ("SD", "SD/MI", "sederajat SD"),
            2: ("SMP", "SMP/MTs"),
            3: ("SMA/SMK", "SMA", "SMK", "MA"),
            4: ("D1-D3", "D1", "D2", "D3"),
            5: ("D4/S1", "D4", "S1"),
            6: ("S2/S3", "S2", "S3"),
        },
    ),
    Column(
        "STATUS_PEKERJAAN",
        "code",
        "status_pekerjaan",
        codes={
            0: ("tidak bekerja",),
            1: ("berusaha sendiri",),
            2: ("buruh/karyawan swasta", "buruh", "karyawan swasta"),
            3: ("pekerja bebas",),
            4: ("pekerja keluarga",),
            5: ("ASN", "PNS"),
            6: ("TNI/Polri", "TNI", "Polri"),
            7: ("pensiunan ASN/TNI/Polri", "pensiunan"),
        },
    ),
    Column(
        "DISABILITAS",
        "code",
        "disabilitas",
        codes={
            0: ("tidak",),
            1: ("fisik",),
            2: ("intelektual",),
            3: ("mental",),
            4: ("sensorik",),
            5: ("ganda",),
        },
    ),
    _flag("DISABILITAS_BERAT"),
    _flag("PENYAKIT_KRONIS"),
    _flag("HAMIL"),
)

LAYOUTS: dict[str, tuple[Column, ...]] = {"keluarga": KELUARGA_COLUMNS, "anggota": ANGGOTA_COLUMNS}


def header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Folded header spelling → column, for every name and alias."""
    index: dict[str, Column] = {}
    for column in columns:
        index[normalize_header(column.name)] = column
        for alias in column.aliases:
            index[normalize_header(alias)] = column
    return index


#: The dwelling, asset and welfare columns of a family (everything but its keys and address).
DWELLING_FIELDS: tuple[str, ...] = tuple(
    c.target for c in KELUARGA_COLUMNS if c.kind not in ("key", "kk", "region", "text")
)

#: The registry fields a family row lands in (every keluarga column but its source key).
FAMILY_FIELDS: list[str] = [c.target for c in KELUARGA_COLUMNS if c.target != "source_key"]
#: The registry fields a person row lands in (every anggota column but its family's key).
PERSON_FIELDS: list[str] = [c.target for c in ANGGOTA_COLUMNS if c.target != "family_key"]
