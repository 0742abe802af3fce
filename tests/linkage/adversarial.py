"""Adversarial registries for the linkage guardrails: written here, not by ``terpadu synth``.

Each registry is a pair of CSV files in the exchange layout (``keluarga.csv``,
``anggota.csv``) plus ``truth.csv`` (``ID_ANGGOTA``, ``PERSON``): who is really who. People are
drawn from small name lists; a share of them is registered a second time in another family,
with one or two of the faults offices report (the NIK left blank, a name written another way,
the birth date typed with day and month swapped). Every knob pushes one thing to its extreme:
no NIK at all, one person per family, one desa, one sex, names in capitals or with titles and
degrees, the same three names for everybody.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from terpadu.regions import children

GIVEN_M = ["Ahmad", "Budi", "Joko", "Slamet", "Agus", "Eko", "Rudi", "Hendra", "Yusuf", "Dedi"]
GIVEN_F = ["Siti", "Sri", "Dewi", "Nur", "Rina", "Wati", "Ani", "Yanti", "Lestari", "Fitri"]
FAMILY = ["Santoso", "Wibowo", "Saputra", "Hidayat", "Lubis", "Nasution", "Harahap", "Rahayu"]
TITLES = ["H.", "Hj.", "Dr.", "Ir.", "Drs."]
DEGREES = ["S.Pd", "S.E.", "S.Kom", "M.Si", "S.H."]
SPELLING = {"Joko": "Djoko", "Yusuf": "Jusuf", "Ahmad": "Achmad", "Nur": "Noor", "Dedi": "Dedy"}


@dataclass(frozen=True)
class Shape:
    """What the registry looks like."""

    people: int = 600
    duplicates: float = 0.05
    nik: bool = True
    one_person_families: bool = False
    desa: int = 6
    sex: int | None = None
    capitals: bool = False
    titles: bool = False
    names: tuple[str, ...] | None = None
    mothers: bool = True
    seed: int = 1


def _desa_codes(count: int) -> list[str]:
    codes = [d.code for kec in children("3604") for d in children(kec.code)]
    return sorted(codes)[:count]


def _nik(desa: str, born: dt.date, sex: int, serial: int) -> str:
    day = born.day + (40 if sex == 2 else 0)
    return f"{desa[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _name(rng: random.Random, shape: Shape, sex: int) -> str:
    if shape.names:
        name = rng.choice(shape.names)
    else:
        given = rng.choice(GIVEN_F if sex == 2 else GIVEN_M)
        name = f"{given} {rng.choice(FAMILY)}" if rng.random() < 0.8 else given
    if shape.titles:
        name = f"{rng.choice(TITLES)} {name}, {rng.choice(DEGREES)}"
    return name.upper() if shape.capitals else name


def _variant(name: str) -> str:
    words = name.split(" ")
    for i, word in enumerate(words):
        for plain, old in SPELLING.items():
            if word.lower() == plain.lower():
                words[i] = old.upper() if word.isupper() else old
                return " ".join(words)
    return name.replace("i", "y", 1) if "i" in name else name + "h"


def write(folder: Path, shape: Shape) -> Path:
    """Write the registry; ``folder`` is returned."""
    rng = random.Random(shape.seed)
    folder.mkdir(parents=True, exist_ok=True)
    desas = _desa_codes(shape.desa)
    people = []
    for i in range(shape.people):
        sex = shape.sex or rng.choice((1, 2))
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))
        desa = rng.choice(desas)
        people.append(
            {
                "person": i,
                "sex": sex,
                "born": born,
                "desa": desa,
                "name": _name(rng, shape, sex),
                "mother": _name(rng, shape, 2) if shape.mothers else "",
                "nik": _nik(desa, born, sex, 1 + i % 9999) if shape.nik else "",
            }
        )
    families: list[dict[str, str]] = []
    members: list[dict[str, str]] = []
    truth: list[tuple[str, int]] = []

    def family_of(desa: str) -> str:
        key = f"K{len(families) + 1:06d}"
        kk = f"{desa[:6]}{rng.randrange(1, 28):02d}{rng.randrange(1, 13):02d}{rng.randrange(10, 24):02d}{len(families) % 9999 + 1:04d}"
        families.append({"ID_KELUARGA": key, "NO_KK": kk, "KODE_WILAYAH": desa})
        return key

    def add(person: dict[str, object], family: str, *, faults: bool) -> None:
        name, born, nik = str(person["name"]), person["born"], str(person["nik"])
        assert isinstance(born, dt.date)
        if faults:
            kind = rng.choice(("nik_blank", "name", "swap", "name+nik"))
            if kind in ("nik_blank", "name+nik"):
                nik = ""
            if kind in ("name", "name+nik"):
                name = _variant(name)
            if kind == "swap" and born.day <= 12 and born.day != born.month:
                born = dt.date(born.year, born.day, born.month)
                nik = ""  # a NIK would now disagree with the stated date
        key = f"A{len(members) + 1:07d}"
        members.append(
            {
                "ID_ANGGOTA": key,
                "ID_KELUARGA": family,
                "NIK": nik,
                "NAMA": name,
                "JENIS_KELAMIN": str(person["sex"]),
                "TGL_LAHIR": born.isoformat(),
                "HUB_KELUARGA": "1" if faults else "3",
                "NAMA_IBU_KANDUNG": str(person["mother"]),
            }
        )
        truth.append((key, int(str(person["person"]))))

    current: str | None = None
    for i, person in enumerate(people):
        if current is None or shape.one_person_families or i % 4 == 0:
            current = family_of(str(person["desa"]))
        add(person, current, faults=False)
    for person in rng.sample(people, int(len(people) * shape.duplicates)):
        add(person, family_of(str(person["desa"])), faults=True)

    for name, rows in (("keluarga.csv", families), ("anggota.csv", members)):
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    with (folder / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["ID_ANGGOTA", "PERSON"])
        out.writerows(truth)
    return folder
