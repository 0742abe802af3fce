import datetime as dt

import polars as pl
import pyarrow as pa
from targeting_frames import evaluate, existing, families, persons, welfare

from terpadu.targeting.catalogue import load_catalogue

CAT = load_catalogue()


def _head(pid: int, fid: int, **kw: object) -> dict[str, object]:
    return {
        "id": pid,
        "family_id": fid,
        "hub_keluarga": 1,
        "jenis_kelamin": 1,
        "nik": f"36040101018{pid:05d}",
        **kw,
    }


def test_pkh_components_caps_recipient_and_exclusions() -> None:
    fam = families([{"id": i} for i in range(1, 6)])
    per = persons(
        [
            # family 1: mother, 3 toddlers (cap 2), two elderly (cap 1), an SMP pupil
            _head(1, 1),
            {**_head(2, 1), "hub_keluarga": 2, "jenis_kelamin": 2, "nama": "Ibu Satu"},
            *[{"id": 3 + k, "family_id": 1, "tgl_lahir": dt.date(2021, 5, 1)} for k in range(3)],
            {"id": 6, "family_id": 1, "tgl_lahir": dt.date(1950, 1, 1), "hub_keluarga": 6},
            {"id": 7, "family_id": 1, "tgl_lahir": dt.date(1948, 1, 1), "hub_keluarga": 6},
            {
                "id": 8,
                "family_id": 1,
                "tgl_lahir": dt.date(2011, 3, 1),
                "partisipasi_sekolah": 1,
                "pendidikan_tertinggi": 1,
            },
            # family 2: an ASN member
            _head(9, 2, status_pekerjaan=5),
            {"id": 10, "family_id": 2, "hamil": 1, "jenis_kelamin": 2},
            # family 3: no component at all
            _head(11, 3),
            # family 4: pregnant mother, but her NIK was rejected by Dukcapil
            {**_head(12, 4), "jenis_kelamin": 2, "hamil": 1},
            # family 5: only a dead member (registry status)
            {**_head(13, 5), "status": "nonaktif", "tgl_lahir": dt.date(1940, 1, 1)},
        ]
    )
    wel = welfare([{"family_id": i, "desil": 1, "pmt_score": 12.0 + i} for i in range(1, 6)])
    flags = pa.table(
        {
            "person_id": pa.array([12], pa.int64()),
            "nik_ditolak": pa.array([1], pa.int64()),
            "meninggal": pa.array([0], pa.int64()),
        }
    )
    decisions, regions = evaluate(CAT.get("pkh"), fam, per, wel, {"3604": 10}, flags=flags)
    rows = {r["family_id"]: r for r in decisions.to_dicts()}
    one = rows[1]
    assert one["terdaftar"] and one["nama_penerima"] == "Ibu Satu"
    # max 4 components: 2 toddlers (3.0 M) + 1 elderly (2.4 M) + SMP (1.5 M)
    assert one["komponen"] == "anak_usia_dini:2;lansia:1;smp:1"
    assert one["nominal"] == 2 * 3_000_000 + 2_400_000 + 1_500_000
    assert "asn_tni_polri" in rows[2]["alasan"] and not rows[2]["layak"]
    assert rows[3]["alasan"] == "syarat:punya_komponen"
    assert "nik_ditolak" in rows[4]["alasan"]
    assert "meninggal" in rows[5]["alasan"]
    assert regions.to_dicts()[0]["terisi"] == 1


def test_quotas_most_specific_region_poorest_first_and_tie_break() -> None:
    # families 1-4 in desa 3604052001 (kecamatan 360405), 5-8 in 3604062001 (kab 3604 only)
    fam = families(
        [{"id": i, "kode_wilayah": "3604052001" if i <= 4 else "3604062001"} for i in range(1, 9)]
    )
    per = persons([_head(i, i) for i in range(1, 9)])
    scores = {
        1: (2, 11.0),
        2: (1, 12.0),
        3: (1, 11.5),
        4: (1, 11.5),
        5: (3, 10.0),
        6: (1, 13.0),
        7: (2, 10.0),
        8: (4, 9.0),
    }
    wel = welfare(
        [
            {"family_id": f, "desil": d, "pmt_score": s, "skor_deprivasi": 0.5 if f == 4 else 0.1}
            for f, (d, s) in scores.items()
        ]
    )
    decisions, regions = evaluate(
        CAT.get("sembako"), fam, per, wel, {"36": 100, "3604": 2, "360405": 3}
    )
    got = {r["family_id"]: r for r in decisions.to_dicts()}
    assert {f for f, r in got.items() if r["kuota_wilayah"] == "360405"} == {1, 2, 3, 4}
    assert {f for f, r in got.items() if r["kuota_wilayah"] == "3604"} == {5, 6, 7, 8}
    # 360405: desil 1 first by score; 3 and 4 tie on score, 4 is more deprived
    order = sorted((r["peringkat"], f) for f, r in got.items() if r["kuota_wilayah"] == "360405")
    assert [f for _, f in order] == [4, 3, 2, 1]
    assert {f for f, r in got.items() if r["terdaftar"]} == {4, 3, 2, 6, 7}
    summary = {r["kode_wilayah"]: r for r in regions.to_dicts()}
    assert summary["360405"]["terisi"] == 3 and summary["360405"]["tidak_terlayani"] == 1
    assert summary["36"]["terisi"] == 0  # nothing left for the province row
    assert got[1]["keputusan"] == "di_bawah_batas_kuota"


def test_same_person_in_two_families_and_cross_programme_conflict() -> None:
    fam = families([{"id": i} for i in range(1, 5)])
    per = persons(
        [
            _head(1, 1, resolved_person_id=77),
            _head(2, 2, resolved_person_id=77, nik="3604010101800001"),  # same person, resolved
            _head(3, 3, nik="3604010101800009"),
            {**_head(4, 4), "nik": "3604010101800009", "hub_keluarga": 3},  # same NIK, no link
        ]
    )
    wel = welfare([{"family_id": i, "desil": 1, "pmt_score": 10.0 + i} for i in range(1, 5)])
    decisions, _ = evaluate(CAT.get("blt"), fam, per, wel, {"3604": 10})
    got = {r["family_id"]: r for r in decisions.to_dicts()}
    # A person counts once, in the family of the newest registration (the higher person id);
    # the other family, whose recipient that person is, is held for its data.
    assert got[2]["terdaftar"] and got[1]["alasan"] == "anggota_ganda"
    assert got[4]["terdaftar"] and got[3]["alasan"] == "anggota_ganda"
    assert got[1]["keputusan"] == got[3]["keputusan"] == "tertahan_data"
    assert "KLG0000000002" in got[1]["anggota_ganda"]
    # family 1 already in PKH (conflicts with BLT): family 1 and, through person 77, family 2 out
    decisions, _ = evaluate(
        CAT.get("blt"), fam, per, wel, {"3604": 10}, enrolled=existing([(1, "pkh")])
    )
    got = {r["family_id"]: r for r in decisions.to_dicts()}
    assert got[1]["alasan"] == "program_konflik;anggota_ganda"
    assert got[1]["keputusan"] == "tidak_layak"
    assert got[2]["alasan"] == "program_konflik"
    assert got[4]["terdaftar"]


def test_rtlh_any_condition_and_pbi_amount_per_member() -> None:
    fam = families(
        [{"id": 1, "jenis_lantai": 8}, {"id": 2}, {"id": 3, "jenis_atap": 7, "status_bangunan": 2}]
    )
    per = persons([_head(1, 1), {"id": 2, "family_id": 1}, _head(3, 2), _head(4, 3)])
    wel = welfare([{"family_id": i, "desil": 1, "pmt_score": 10.0} for i in range(1, 4)])
    decisions, _ = evaluate(CAT.get("rtlh"), fam, per, wel, {"3604": 10})
    got = {r["family_id"]: r for r in decisions.to_dicts()}
    assert got[1]["terdaftar"] and got[1]["nominal"] == 15_000_000
    assert got[2]["alasan"] == "syarat:rumah_tidak_layak"
    assert got[3]["alasan"] == "syarat:rumah_milik_sendiri"
    decisions, _ = evaluate(CAT.get("pbi-jk"), fam, per, wel, {"3604": 10})
    assert decisions.filter(pl.col("family_id") == 1)["nominal"].item() == 2 * 42_000 * 12


def test_recipient_order_ties_and_partial_component_cut() -> None:
    """Recipient: priority, then oldest (blank birth date last), then lowest person id;
    components: the family cap can cut a component part-way (highest amounts first)."""
    fam = families([{"id": i} for i in range(1, 5)])
    woman = {"jenis_kelamin": 2, "hub_keluarga": 3}
    per = persons(
        [
            # family 1: no wife; two women 17+ born the same day -> the lower person id
            _head(21, 1),
            {**_head(23, 1), **woman, "nama": "Kakak", "tgl_lahir": dt.date(1990, 1, 1)},
            {**_head(22, 1), **woman, "nama": "Adik", "tgl_lahir": dt.date(1990, 1, 1)},
            # family 2: a woman of unknown age is not "17+"; the heads come first, the
            # one with a birth date before the one without
            {**_head(31, 2), **woman, "nama": "Tanpa Tanggal", "tgl_lahir": None},
            {**_head(34, 2), "nama": "Kepala Tanpa Tanggal", "tgl_lahir": None},
            {**_head(32, 2), "nama": "Kepala Muda", "tgl_lahir": dt.date(2000, 1, 1)},
            # family 3: wife; 3 toddlers (cap 2), 3 elderly (cap 1), SD and SMA pupils;
            # max 4: toddlers 2 (3.0 M) + elderly 1 (2.4 M) + SMA 1 (2.0 M), SD cut
            _head(41, 3),
            {**_head(42, 3), "hub_keluarga": 2, "jenis_kelamin": 2, "nama": "Ibu Tiga"},
            *[{"id": 43 + k, "family_id": 3, "tgl_lahir": dt.date(2022, 2, 1)} for k in range(3)],
            *[{"id": 46 + k, "family_id": 3, "tgl_lahir": dt.date(1945, 2, 1)} for k in range(3)],
            {
                "id": 49,
                "family_id": 3,
                "tgl_lahir": dt.date(2015, 3, 1),
                "partisipasi_sekolah": 1,
                "pendidikan_tertinggi": 0,
            },
            {
                "id": 50,
                "family_id": 3,
                "tgl_lahir": dt.date(2008, 3, 1),
                "partisipasi_sekolah": 1,
                "pendidikan_tertinggi": 2,
            },
            # family 4: no head, no spouse: the oldest adult is the head-recipient
            {**_head(51, 4), "hub_keluarga": 3, "nama": "Muda", "tgl_lahir": dt.date(2000, 1, 1)},
            {**_head(52, 4), "hub_keluarga": 4, "nama": "Tua", "tgl_lahir": dt.date(1970, 1, 1)},
        ]
    )
    wel = welfare([{"family_id": i, "desil": 1, "pmt_score": 12.0} for i in range(1, 5)])
    pkh, _ = evaluate(CAT.get("pkh"), fam, per, wel, {"3604": 10})
    sembako, _ = evaluate(CAT.get("sembako"), fam, per, wel, {"3604": 10})
    blt, _ = evaluate(CAT.get("blt"), fam, per, wel, {"3604": 10})
    ibu = {r["family_id"]: r["nama_penerima"] for r in sembako.to_dicts()}
    kepala = {r["family_id"]: r["nama_penerima"] for r in blt.to_dicts()}
    assert ibu[1] == "Adik" and kepala[1] == "Anggota"  # same age: the lower person id
    assert ibu[2] == "Kepala Muda" and kepala[2] == "Kepala Muda"  # blank age last
    assert ibu[3] == "Ibu Tiga" and kepala[4] == "Tua"
    three = pkh.filter(pl.col("family_id") == 3).to_dicts()[0]
    assert three["komponen"] == "anak_usia_dini:2;lansia:1;sma:1"
    assert three["n_komponen_pkh"] == 4
    assert three["nominal"] == 2 * 3_000_000 + 2_400_000 + 2_000_000


def test_disability_counts_follow_the_family_profile_definitions() -> None:
    """As welfare counts them: a DISABILITAS value outside the code list is no disability, and
    the severe flag counts (and earns the PKH component) only on a member with a disability."""
    fam = families([{"id": 1}, {"id": 2}])
    per = persons(
        [
            {**_head(1, 1), "jenis_kelamin": 2, "disabilitas": 9, "disabilitas_berat": 1},
            {"id": 2, "family_id": 1, "disabilitas": 0, "disabilitas_berat": 1},
            {**_head(3, 2), "jenis_kelamin": 2, "disabilitas": 3},
            {"id": 4, "family_id": 2, "disabilitas": 1, "disabilitas_berat": 1},
        ]
    )
    wel = welfare([{"family_id": i, "desil": 1, "pmt_score": 12.0 + i} for i in (1, 2)])
    decisions, _ = evaluate(CAT.get("pkh"), fam, per, wel, {"3604": 10})
    rows = {r["family_id"]: r for r in decisions.to_dicts()}
    assert (rows[1]["n_disabilitas"], rows[1]["n_disabilitas_berat"]) == (0, 0)
    assert rows[1]["komponen"] in ("", None) and not rows[1]["layak"]
    assert (rows[2]["n_disabilitas"], rows[2]["n_disabilitas_berat"]) == (2, 1)
    assert rows[2]["komponen"] == "disabilitas_berat:1"
