"""Targeting keeps its place for the poor: data faults elsewhere in a family do not pass it
over for a richer one.

Each registry has a quota below the number of eligible families, desil 1-2 families that
carry one of the faults seen on registries from other offices, and desil 3 families without
faults. The poorest must be enrolled first; the families that cannot be enrolled for their
data are held and listed with the fix.
"""

import datetime as dt
from pathlib import Path

import polars as pl
from openpyxl import load_workbook
from targeting_frames import evaluate, families, persons, welfare

from terpadu.targeting.catalogue import load_catalogue
from terpadu.targeting.holds import held_frame, stand_in_frame, write_bnba

PKH = load_catalogue().get("pkh")
TODDLER = dt.date(2022, 3, 1)


def nik(pid: int, female: bool = False) -> str:
    return f"360405{'41' if female else '01'}0185{pid:04d}"


def mother(pid: int, fid: int, **kw: object) -> dict[str, object]:
    row = {
        "id": pid,
        "family_id": fid,
        "hub_keluarga": 2,
        "jenis_kelamin": 2,
        "nik": nik(pid, True),
    }
    return {**row, "nama": f"Ibu {fid}", **kw}


def father(pid: int, fid: int, **kw: object) -> dict[str, object]:
    return {
        "id": pid,
        "family_id": fid,
        "hub_keluarga": 1,
        "nik": nik(pid),
        "nama": f"Bapak {fid}",
        **kw,
    }


def child(pid: int, fid: int, **kw: object) -> dict[str, object]:
    return {"id": pid, "family_id": fid, "hub_keluarga": 3, "tgl_lahir": TODDLER, **kw}


def desil3_families(
    first_fid: int, first_pid: int, n: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """``n`` desil-3 families with a mother, a father and a toddler, nothing wrong with them."""
    fams, pers = [], []
    for k in range(n):
        fid, pid = first_fid + k, first_pid + 3 * k
        fams.append({"id": fid, "desil": 3, "pmt_score": 13.0 + k / 10})
        pers += [mother(pid, fid), father(pid + 1, fid), child(pid + 2, fid)]
    return fams, pers


def run(
    poor: list[dict[str, object]], poor_persons: list[dict[str, object]], quota: int
) -> dict[int, dict[str, object]]:
    rich, rich_persons = desil3_families(100, 1000, 4)
    fams = poor + rich
    decisions, _ = evaluate(
        PKH,
        families([{"id": f["id"], "kode_wilayah": f.get("kode", "3604052001")} for f in fams]),
        persons(poor_persons + rich_persons),
        welfare(
            [{"family_id": f["id"], "desil": f["desil"], "pmt_score": f["pmt_score"]} for f in fams]
        ),
        {"3604": quota},
    )
    rows = {r["family_id"]: r for r in decisions.to_dicts()}
    eligible = sum(1 for r in rows.values() if r["layak"])
    assert eligible > quota, "the quota must be below the number eligible"
    return rows


def assert_poorest_first(rows: dict[int, dict[str, object]], poor: set[int]) -> None:
    enrolled = {f for f, r in rows.items() if r["terdaftar"]}
    assert poor <= enrolled, {f: (rows[f]["keputusan"], rows[f]["alasan"]) for f in poor}
    taken = [rows[f]["peringkat"] for f in poor]
    richer = [r["peringkat"] for f, r in rows.items() if r["terdaftar"] and f not in poor]
    assert max(taken) < min(richer, default=10**9)  # type: ignore[type-var]


def test_a_member_registered_in_another_family_does_not_cost_the_family_its_place() -> None:
    """(a) A member who is neither the component nor the recipient (the father) is also
    registered, more recently, in another family: he counts there, and his first family
    keeps its place. A family whose component is such a person is held, not passed over
    silently."""
    poor = [
        {"id": 1, "desil": 1, "pmt_score": 11.0},
        {"id": 2, "desil": 2, "pmt_score": 12.0},
        # the fathers' newer registration: a poorer family in a region without PKH quota,
        # which used to take the shared person and leave family 1 and 2 with nothing
        {"id": 3, "desil": 1, "pmt_score": 10.5, "kode": "3671011001"},
        # desil 1, but its only component (a toddler) now counts in family 5
        {"id": 4, "desil": 1, "pmt_score": 11.5},
        {"id": 5, "desil": 6, "pmt_score": 14.5},
    ]
    people = [
        mother(1, 1),
        father(2, 1, nik="3604050101800001"),
        child(3, 1),
        mother(4, 2),
        father(5, 2, resolved_person_id=555),
        child(6, 2),
        father(7, 3, nik="3604050101800001", hub_keluarga=1),  # same NIK, registered later
        father(8, 3, resolved_person_id=555, hub_keluarga=3),  # same resolved person
        child(13, 3),
        mother(9, 4),
        child(10, 4, nik="3604050103220002"),
        mother(11, 5),
        child(12, 5, nik="3604050103220002"),
    ]
    rows = run(poor, people, quota=3)
    assert_poorest_first(rows, {1, 2})
    assert rows[1]["jumlah_anggota"] == 2 and rows[1]["n_anggota_ganda"] == 1
    held = rows[4]
    assert (held["keputusan"], held["alasan"]) == ("tertahan_data", "anggota_ganda")
    assert "KLG0000000005" in held["anggota_ganda"]
    sheet = held_frame(PKH, "2025", pl.DataFrame(list(rows.values())))
    assert sheet["FAMILY_ID"].to_list() == ["KLG0000000004"]
    assert "keluarkan anggota" in sheet["PERBAIKAN"][0]


def test_b_a_diploma_impossible_for_the_age_falls_back_on_age() -> None:
    """(b) Children "masih sekolah" aged 11-16 with a highest diploma they are too young
    for keep their school level, taken from their age."""
    poor = [{"id": 1, "desil": 1, "pmt_score": 11.0}, {"id": 2, "desil": 2, "pmt_score": 12.0}]
    school = {"partisipasi_sekolah": 1}
    people = [
        mother(1, 1),
        father(2, 1),
        child(3, 1, tgl_lahir=dt.date(2013, 5, 1), pendidikan_tertinggi=3, **school),  # 11, SMA
        mother(4, 2),
        father(5, 2),
        child(6, 2, tgl_lahir=dt.date(2008, 8, 1), pendidikan_tertinggi=5, **school),  # 16, S1
    ]
    rows = run(poor, people, quota=3)
    assert_poorest_first(rows, {1, 2})
    assert rows[1]["komponen"] == "sd:1" and rows[2]["komponen"] == "sma:1"


def test_c_the_recipient_falls_through_to_the_next_member_with_a_nik() -> None:
    """(c) The designated recipient (the mother) has no NIK while the father has one: he
    receives, and the mother is named for a NIK correction. Without any adult with a NIK the
    family is held with the fix."""
    poor = [
        {"id": 1, "desil": 1, "pmt_score": 11.0},
        {"id": 2, "desil": 1, "pmt_score": 11.2},
    ]
    people = [
        mother(1, 1, nik=None),
        father(2, 1),
        child(3, 1),
        # nobody with a NIK but a child: a child never receives; held
        mother(4, 2, nik=None),
        father(5, 2, nik=None),
        child(6, 2, nik="3604050103220009"),
    ]
    rows = run(poor, people, quota=3)
    assert_poorest_first(rows, {1})
    one = rows[1]
    assert one["nama_penerima"] == "Bapak 1" and one["penerima_pengganti"] == 1
    assert one["ditunjuk_id"] == 1 and one["nama_ditunjuk"] == "Ibu 1"
    assert (rows[2]["keputusan"], rows[2]["alasan"]) == ("tertahan_data", "tanpa_nik")
    enrolled = pl.DataFrame([r for r in rows.values() if r["terdaftar"]])
    stand_ins = stand_in_frame(PKH, "2025", enrolled)
    assert stand_ins["PENERIMA_DITUNJUK"].to_list() == ["Ibu 1"]


def test_the_bnba_workbook_lists_the_held_families(tmp_path: Path) -> None:
    poor = [{"id": 1, "desil": 1, "pmt_score": 11.0}]
    people = [mother(1, 1, nik=None), father(2, 1, nik=None), child(3, 1)]
    rows = run(poor, people, quota=3)
    decisions = pl.DataFrame(list(rows.values()))
    out, _ = write_bnba(
        tmp_path / "bnba.xlsx",
        {
            "BNBA": decisions.filter(pl.col("terdaftar")).select("family_id"),
            "Tertahan_Data": held_frame(PKH, "2025", decisions),
        },
    )
    book = load_workbook(out)
    assert book.sheetnames == ["BNBA", "Tertahan_Data"]
    held = list(book["Tertahan_Data"].values)
    assert held[1][2] == "KLG0000000001" and "NIK" in held[1][-1]
    # CSV: the held list beside the BNBA
    _, beside = write_bnba(
        tmp_path / "bnba.csv",
        {
            "BNBA": decisions.select("family_id"),
            "Tertahan_Data": held_frame(PKH, "2025", decisions),
        },
    )
    assert [p.name for p in beside] == ["bnba_tertahan_data.csv"]


def test_the_national_desil_is_used_when_the_family_has_one() -> None:
    """A family's national DTSEN desil, when imported, decides over the registry-relative one."""
    fam = families(
        [
            {
                "id": 1,
                "desil_nasional": 1,
                "persentil_nasional": 7.5,
            },  # relative 6: poor nationally
            {"id": 2, "desil_nasional": 8},  # relative 1: not poor nationally
            {"id": 3},  # no national ranking: the relative one
        ]
    )
    per = persons([p for f in (1, 2, 3) for p in (mother(10 * f, f), child(10 * f + 1, f))])
    wel = welfare(
        [{"family_id": f, "desil": d, "pmt_score": 12.0} for f, d in ((1, 6), (2, 1), (3, 2))]
    )
    decisions, _ = evaluate(PKH, fam, per, wel, {"3604": 10})
    got = {r["family_id"]: r for r in decisions.to_dicts()}
    assert (got[1]["desil"], got[1]["sumber_desil"], got[1]["desil_relatif"]) == (1, "nasional", 6)
    assert got[1]["terdaftar"] and got[1]["persentil"] == 7.5
    assert got[2]["alasan"] == "desil" and got[2]["sumber_desil"] == "nasional"
    assert got[3]["terdaftar"] and got[3]["sumber_desil"] == "relatif"


def test_explain_says_which_desil_and_what_to_fix() -> None:
    from terpadu.targeting.explain import rule_checks
    from terpadu.targeting.holds import fixes

    row = {
        "status_keluarga": "aktif",
        "desil": 2,
        "sumber_desil": "nasional",
        "desil_relatif": 5,
        "alasan": "anggota_ganda;tanpa_nik",
        "anggota_ganda": "Anak (NIK 3604…) dihitung di KLG0000000009",
        "nama_penerima": "Ibu",
        "n_komponen_pkh": 1,
    }
    desil_check = rule_checks(PKH, row)[1]
    assert (
        "desil nasional DTSEN" in desil_check.value and "relatif registri = 5" in desil_check.value
    )
    text = " ".join(fixes(row))
    assert "KLG0000000009" in text and "rekam NIK" in text
