"""Random registries and quotas: the allocation's promises hold whatever the data."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from targeting_frames import evaluate, existing, families, persons, welfare

from terpadu.targeting.catalogue import load_catalogue
from terpadu.targeting.explain import _passes

CAT = load_catalogue()
DESA = ["3604052001", "3604052002", "3604062001", "3671011001"]
QUOTA_CODES = ["36", "3604", "360405", "3604052001", "3671"]


@st.composite
def registries(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 30))
    fam_rows, per_rows, wel_rows = [], [], []
    pid = 0
    for fid in range(1, n + 1):
        fam_rows.append(
            {
                "id": fid,
                "kode_wilayah": draw(st.sampled_from(DESA)),
                "status": draw(st.sampled_from(["aktif"] * 9 + ["nonaktif"])),
                "status_bangunan": draw(st.integers(1, 3)),
                "jenis_lantai": draw(st.integers(1, 9)),
            }
        )
        if draw(st.integers(0, 9)) > 0:
            wel_rows.append(
                {
                    "family_id": fid,
                    "desil": draw(st.integers(1, 10)),
                    "pmt_score": draw(st.sampled_from([10.0, 10.5, 11.0, 11.5])),
                    "skor_deprivasi": draw(st.sampled_from([0.0, 0.2, 0.4])),
                }
            )
        for k in range(draw(st.integers(0, 4))):
            pid += 1
            per_rows.append(
                {
                    "id": pid,
                    "family_id": fid,
                    "hub_keluarga": 1 if k == 0 else draw(st.integers(2, 6)),
                    "jenis_kelamin": draw(st.integers(1, 2)),
                    "status": draw(st.sampled_from(["aktif"] * 9 + ["nonaktif"])),
                    "status_pekerjaan": draw(st.sampled_from([0, 1, 2, 2, 2, 3, 5, 6, 7])),
                    "tgl_lahir": dt.date(draw(st.integers(1940, 2024)), 6, 1),
                    "partisipasi_sekolah": draw(st.integers(0, 2)),
                    "pendidikan_tertinggi": draw(st.integers(0, 3)),
                    "hamil": draw(st.sampled_from([0, 0, 0, 1])),
                    "disabilitas_berat": draw(st.sampled_from([0, 0, 0, 1])),
                    "nik": draw(st.sampled_from([None, f"36040101019{pid:05d}"])),
                    "resolved_person_id": draw(st.sampled_from([None, None, 1, 2, 3])),
                }
            )
    if not per_rows:
        per_rows.append({"id": 1, "family_id": 1})
    if not wel_rows:
        wel_rows.append({"family_id": 1, "desil": 1, "pmt_score": 10.0})
    quota = {
        code: draw(st.integers(0, 6))
        for code in draw(st.lists(st.sampled_from(QUOTA_CODES), min_size=1, unique=True))
    }
    enrolled = [(fid, "pkh") for fid in range(1, n + 1) if draw(st.integers(0, 5)) == 0]
    return {"fam": fam_rows, "per": per_rows, "wel": wel_rows, "quota": quota, "old": enrolled}


def _identity(p: dict[str, object]) -> str | None:
    if p.get("resolved_person_id"):
        return f"R{p['resolved_person_id']}"
    return f"N{p['nik']}" if p.get("nik") else None


def _key(r: dict[str, object]) -> tuple[object, ...]:
    return (
        r["desil"],
        r["pmt_score"],
        -float(r["skor_deprivasi"] or 0),  # type: ignore[arg-type]
        -int(r["jumlah_anggota"]),
        r["family_id"],
    )  # type: ignore[call-overload]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=registries(), program=st.sampled_from(["pkh", "blt", "rtlh", "sembako"]))
def test_allocation_promises(data: dict[str, object], program: str) -> None:
    prog = CAT.get(program)
    fam_rows, per_rows = data["fam"], data["per"]
    quota: dict[str, int] = data["quota"]  # type: ignore[assignment]
    decisions, regions = evaluate(
        prog,
        families(fam_rows),
        persons(per_rows),
        welfare(data["wel"]),
        quota,  # type: ignore[arg-type]
        enrolled=existing(data["old"]),  # type: ignore[arg-type]
    )
    rows = decisions.to_dicts()
    # every excluded family has a reason; eligible ones none
    for r in rows:
        assert r["layak"] == (r["alasan"] == ""), r
    # quotas never exceeded, and the accounting agrees with the rows
    for region in regions.to_dicts():
        enrolled_here = [
            r for r in rows if r["terdaftar"] and r["kuota_wilayah"] == region["kode_wilayah"]
        ]
        assert len(enrolled_here) == region["terisi"] <= region["kuota"]
    # a family counts against the most specific quota region covering it
    for r in rows:
        covering = [c for c in quota if r["kode_wilayah"].startswith(c)]
        assert r["kuota_wilayah"] == (max(covering, key=len) if covering else None)
    active_persons = [p for p in per_rows if p.get("status", "aktif") == "aktif"]  # type: ignore[union-attr]
    conflicting = {f for f, p in data["old"] if p in prog.conflicts}  # type: ignore[union-attr]
    # A person registered in several families counts in the family of the newest registration.
    newest: dict[str, dict[str, object]] = {}
    families_of: dict[str, set[object]] = {}
    for p in active_persons:
        key = _identity(p)
        if key is not None:
            families_of.setdefault(key, set()).add(p["family_id"])
            if key not in newest or p["id"] > newest[key]["id"]:  # type: ignore[operator]
                newest[key] = p
    foreign = {
        p["id"]
        for p in active_persons
        if (key := _identity(p)) is not None
        and len(families_of[key]) > 1
        and p["family_id"] != newest[key]["family_id"]
    }
    keys: dict[str, int] = {}
    for r in [r for r in rows if r["terdaftar"]]:
        fam = next(f for f in fam_rows if f["id"] == r["family_id"])  # type: ignore[index]
        registered = [p for p in active_persons if p["family_id"] == r["family_id"]]
        members = [p for p in registered if p["id"] not in foreign]
        assert r["penerima_id"] not in foreign
        # every enrolled family meets every rule
        assert fam.get("status", "aktif") == "aktif"
        assert r["desil"] is not None and prog.desil[0] <= r["desil"] <= prog.desil[1]
        assert members and not any(p.get("status_pekerjaan") in (5, 6, 7) for p in members)
        assert all(_passes(c, r) for c in prog.conditions)
        assert r["family_id"] not in conflicting
        if "tanpa_nik" in prog.exclusions:
            assert r["nik_penerima"]
        # nobody counted in two enrolled families
        for p in members:
            key = _identity(p)
            if key is not None:
                assert keys.setdefault(key, r["family_id"]) == r["family_id"]
    # poorest first: an eligible family left out of a region is never poorer than one taken,
    # and is left out only when the region's quota is full
    for region in regions.to_dicts():
        here = [r for r in rows if r["layak"] and r["kuota_wilayah"] == region["kode_wilayah"]]
        taken = [_key(r) for r in here if r["terdaftar"]]
        left = [_key(r) for r in here if not r["terdaftar"]]
        if left:
            assert len(taken) == region["kuota"]
            if taken:
                assert max(taken) < min(left)
