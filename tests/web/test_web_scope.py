"""A desa operator cannot read or change another desa's family through any route.

The routes are taken from the application itself: a route added without an
entry in ``ATTACKS`` fails :func:`test_every_route_is_checked`, so no new route
escapes this test.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.routing import BaseRoute
from webdata import ANGGOTA, KELUARGA, WebEnv

LOG_HEADER = (
    "NO_PENGADUAN,TGL_PENGADUAN,KATEGORI,SALURAN,STATUS,TGL_STATUS,KODE_WILAYAH,NAMA_PELAPOR,"
    "URAIAN\n"
)
SKIP = {"/api/v1/openapi.json", "/api/v1/docs", "/docs/oauth2-redirect", "/static"}


def all_routes(routes: list[BaseRoute]) -> list[APIRoute]:
    out: list[APIRoute] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            out.extend(all_routes(inner.routes))
        elif isinstance(route, APIRoute):
            out.append(route)
    return out


def route_keys(env: WebEnv) -> set[tuple[str, str]]:
    return {
        (method, r.path)
        for r in all_routes(env.app.routes)
        for method in r.methods
        if r.path not in SKIP and method != "HEAD"
    }


def victim(env: WebEnv) -> dict[str, Any]:
    """Desa A's family, a submitted proposal and an import job, made by desa A's operator."""
    op = env.api("op_a")
    pid = op.post(
        "/api/v1/proposals", json={"kind": "correct", "family_id": "K1", "values": {"rt": "007"}}
    ).json()["id"]
    op.post(f"/api/v1/proposals/{pid}/submit")
    # Desa A's own rows (an upload with desa B's family would be refused at upload).
    own_k = "".join(line for line in KELUARGA.splitlines(True) if not line.startswith("K2,"))
    own_a = "".join(line for line in ANGGOTA.splitlines(True) if ",K2," not in line)
    job = op.post(
        "/api/v1/imports",
        files={"keluarga": ("k.csv", own_k.encode()), "anggota": ("a.csv", own_a.encode())},
        data={"source": "desa-kramatwatu"},
    ).json()["id"]
    # Evidence on the proposal, and one of desa A's members.
    from terpadu.access import Actor
    from terpadu.store.ids import person_code
    from terpadu.verval import attach_evidence

    scan = env.data_dir / "ktp.png"
    scan.parent.mkdir(parents=True, exist_ok=True)
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    evidence = attach_evidence(
        env.engine,
        Actor("op_a", "operator_desa", "3604052001"),
        pid,
        scan,
        evidence_dir=env.data_dir / "evidence",
    )
    with env.engine.connect() as conn:
        ahmad = conn.execute(text("SELECT id FROM person WHERE nama = 'Ahmad bin Salim'")).scalar()
    # A complaint received at desa A's Puskesos, checked against K1 and referred.
    from terpadu.services import check_registry, receive, refer

    operator = Actor("op_a", "operator_desa", "3604052001")
    receipt = receive(
        env.engine,
        operator,
        category="wrong_data",
        channel="walk_in",
        kode_wilayah="3604052001",
        complainant_name="Siti Aminah",
        description="Alamat Kp. Baru salah",
    )
    check_registry(env.engine, operator, receipt.complaint_id, family_id=env.families["K1"])
    referral = refer(
        env.engine, operator, receipt.complaint_id, service="health", institution="BPJS"
    )
    # Desa A's panti with Ahmad living there, and a TKSK assigned to desa A.
    from terpadu.services.institutions import admit
    from terpadu.services.social_records import (
        InstitutionForm,
        WorkerForm,
        save_institution,
        save_worker,
    )

    staff = Actor("ver", "verifikator_kab", "3604")
    institution = save_institution(
        env.engine,
        staff,
        InstitutionForm("LKS-A", "Panti Desa A", "panti", "children", "community", "3604052001"),
    )
    stay = admit(
        env.engine,
        staff,
        institution,
        person_id=int(ahmad or 0),
        admitted_on=dt.date(2026, 10, 1),
        reason="terlantar",
    )
    worker = save_worker(
        env.engine,
        staff,
        WorkerForm("3604050101800011", "Rina TKSK Desa A", "tksk", "3604052001"),
    )
    # A PPKS case for Ahmad, opened at the kab/kota front office (desa A).
    from terpadu.services.case_reads import case_detail
    from terpadu.services.cases import Subject, open_case

    front_office = Actor("slrt", "petugas_slrt", "3604")
    case = open_case(
        env.engine,
        front_office,
        Subject(person_id=int(ahmad or 0)),
        categories=["09"],
        caseworker="peksos",
        complaint_id=receipt.complaint_id,
    )
    number = case_detail(env.engine, front_office, case, now=dt.datetime.now(dt.UTC)).row.number
    # Desa A's complaints log uploaded by its operator: the problem file is theirs alone.
    page, csrf = env.page("op_a")
    uploaded = page.post(
        "/pengaduan/impor",
        files={"daftar": ("p.csv", (LOG_HEADER + "SLRT-A1,2026-12-01,entah,desa,diterima,,"
                                    "3604052001,Warsih,Minta bantuan\n").encode())},
        data={"csrf_token": csrf},
    )  # fmt: skip
    found = re.search(r"/impor-daftar/([0-9a-f]{16})/masalah", uploaded.text)
    assert found is not None, uploaded.text[:300]
    return {
        "list_upload": found.group(1),
        "family": env.family("K1"),
        "key": "K1",
        "institution": institution,
        "stay": stay,
        "worker": worker,
        "case": number,
        "proposal": pid,
        "job": job,
        "person": person_code(int(ahmad or 0)),
        "evidence": evidence,
        "complaint": receipt.tracking,
        "referral": referral,
    }


def attacks(v: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """For each route, requests by desa B's operator aimed at desa A's data."""
    fam, pid, job = v["family"], v["proposal"], v["job"]
    person, evidence = v.get("person", ""), v.get("evidence", 0)
    complaint, referral = v.get("complaint", "ADU-3604-AAAAAA"), v.get("referral", 0)
    home, stay, worker = v.get("institution", 1), v.get("stay", 1), v.get("worker", 1)
    institution_body = {
        "registration_no": "LKS-A", "name": "Diambil alih", "form": "panti",
        "kind": "children", "owner": "community", "kode_wilayah": "3604052002",
    }  # fmt: skip
    worker_body = {"nik": "3604050101800011", "name": "Diambil", "role": "tksk",
                   "regions": "3604052002"}  # fmt: skip
    case = v.get("case", "KAS-3604-000001")
    # A plan and a hand-over aimed at desa A's case, besides the other steps.
    case_step = {"caseworker": "peksos", "goals": "x", "plan_atensi": "terapi",
                 "plan_starts": "2026-01-05"}  # fmt: skip
    list_upload = v.get("list_upload", "0123456789abcdef")
    # Desa A's rows in each list: refused to desa B's operator (role, or region).
    institutions_list = (
        "NO_REGISTRASI,NAMA_LEMBAGA,JENIS,PEMILIK,KODE_WILAYAH\n"
        "LKS-A,Diambil alih,anak,masyarakat,3604052001\n"
    )
    workers_list = "NIK,NAMA,PERAN,WILAYAH_TUGAS\n3604050101800011,Diambil,tksk,3604052001\n"
    complaints_list = (
        LOG_HEADER + f"{complaint},2026-12-01,data salah,desa,selesai,,3604052001,X,Y\n"
        "SLRT-B1,2026-12-01,data salah,desa,diterima,,3604052001,X,Y\n"
    )
    files = {"keluarga": ("k.csv", KELUARGA.encode()), "anggota": ("a.csv", ANGGOTA.encode())}
    return {
        ("POST", "/api/v1/auth/login"): [{"json": {"username": "op_a", "password": "tebakan"}}],
        ("GET", "/api/v1/auth/me"): [{}],
        ("GET", "/api/v1/search"): [
            {"params": {"q": q}} for q in ("ahmad", "3604051507870001", fam)
        ],
        ("GET", "/api/v1/families"): [{}, {"params": {"region": "3604052001"}}],
        ("GET", "/api/v1/families/{family_ref}"): [{"path": fam}, {"path": "K1"}],
        ("GET", "/api/v1/dashboard"): [{}],
        ("GET", "/api/v1/proposals"): [{}],
        ("POST", "/api/v1/proposals"): [
            {"json": {"kind": "correct", "family_id": fam, "values": {"rt": "666"}}},
            {"json": {"kind": "deactivate", "family_id": "K1", "reason": "pindah"}},
        ],
        ("POST", "/api/v1/proposals/bulk"): [{"json": {"action": "submit", "ids": [pid]}}],
        ("GET", "/api/v1/proposals/{proposal_id}"): [{"path": pid}],
        ("POST", "/api/v1/proposals/{proposal_id}/comments"): [
            {"path": pid, "json": {"body": "x"}}
        ],
        ("POST", "/api/v1/proposals/{proposal_id}/{action}"): [
            {"path": f"{pid}/{a}", "json": {"note": "x"}}
            for a in ("submit", "verify", "approve", "reject", "return")
        ],
        ("POST", "/api/v1/imports"): [{"files": files}],
        ("GET", "/api/v1/imports/{job_id}"): [{"path": job}],
        ("GET", "/api/v1/imports/{job_id}/errors"): [{"path": f"{job}/errors"}],
        ("GET", "/api/v1/reports/poverty"): [{"params": {"region": "3604052001"}}],
        ("GET", "/api/v1/linkage/review"): [{}],
        ("GET", "/api/v1/programs"): [{}],
        ("GET", "/api/v1/subjects/{nik}"): [
            {"path": "3604051507870001", "params": {"purpose": "permohonan 1"}}
        ],
        ("POST", "/api/v1/subjects/{nik}/corrections"): [
            {
                "path": "3604051507870001/corrections",
                "json": {"values": {"nama": "Ahmad"}, "statement": "salah ketik"},
            }
        ],
        # pages
        ("GET", "/masuk"): [{}],
        ("POST", "/masuk"): [{"data": {"username": "op_a", "password": "tebakan"}}],
        ("POST", "/keluar"): [{"data": {}}],
        ("GET", "/"): [{}],
        ("GET", "/cari"): [{"params": {"q": q}} for q in ("ahmad", "3604051507870001", fam)],
        ("GET", "/keluarga/{family_ref}"): [{"path": fam}, {"path": "K1"}],
        ("POST", "/keluarga/{family_ref}/usulan"): [
            {"path": fam, "data": {"kind": "deactivate", "reason": "pindah", "submit_now": "1"}},
            {"path": fam, "data": {"kind": "correct", "rt": "666", "kode_wilayah": "3604052002"}},
        ],
        ("GET", "/keluarga/{family_ref}/usulan"): [
            {"path": fam, "params": {"jenis": j}} for j in ("koreksi", "tambah-anggota")
        ],
        ("GET", "/anggota/{person_ref}"): [{"path": person}],
        ("GET", "/anggota/{person_ref}/usulan"): [
            {"path": person, "params": {"jenis": j}} for j in ("koreksi", "keluarkan-anggota")
        ],
        ("POST", "/anggota/{person_ref}/usulan"): [
            {"path": person, "data": {"kind": "remove_member", "reason": "pindah"}},
            {"path": person, "data": {"kind": "correct", "nama": "Ahmad"}},
        ],
        ("GET", "/keluarga-baru"): [{}],
        ("POST", "/keluarga-baru"): [
            {
                "data": {
                    "kode_wilayah": "3604052001",
                    "m0.nama": "Titipan",
                    "m0.hub_keluarga": "1",
                    "submit_now": "1",
                }
            }
        ],
        ("GET", "/bukti/{evidence_id}"): [{"path": evidence}],
        ("GET", "/usulan"): [{}],
        ("POST", "/usulan/massal"): [{"data": {"action": "submit", "ids": str(pid)}}],
        ("GET", "/usulan/{proposal_id}"): [{"path": pid}],
        ("POST", "/usulan/{proposal_id}/aksi"): [
            {"path": pid, "data": {"action": a, "note": "x"}}
            for a in ("submit", "approve", "comment")
        ],
        ("GET", "/impor"): [{}],
        ("POST", "/impor"): [{"files": files}],
        ("GET", "/impor/{job_id}"): [{"path": job}],
        ("GET", "/impor/{job_id}/masalah.{fmt}"): [{"path": f"{job}/masalah.csv"}],
        ("GET", "/laporan"): [{"params": {"wilayah": "3604052001"}}],
        ("GET", "/laporan/laporan.xlsx"): [{"params": {"wilayah": "3604052001"}}],
        ("GET", "/laporan/desil.{fmt}"): [
            {"url": f"/laporan/desil.{f}", "params": {"wilayah": "3604052001"}}
            for f in ("csv", "xlsx")
        ],
        ("GET", "/laporan/grafik-desil.png"): [{"params": {"wilayah": "3604052001"}}],
        ("GET", "/laporan/grafik-dimensi.png"): [{"params": {"wilayah": "3604052001"}}],
        ("GET", "/laporan/profil.{fmt}"): [
            {"url": f"/laporan/profil.{f}", "params": {"wilayah": "3604052001"}}
            for f in ("pdf", "xlsx")
        ],
        ("GET", "/laporan/rekap.{fmt}"): [
            {"url": f"/laporan/rekap.{f}", "params": {"wilayah": "36"}} for f in ("pdf", "xlsx")
        ],
        ("GET", "/laporan/tabel/{key}.{fmt}"): [
            {"url": f"/laporan/tabel/{k}.csv", "params": {"wilayah": w}}
            for k, w in (("program", "3604052001"), ("rekap_kabkota", "36"))
        ],
        ("GET", "/tautan"): [{}],
        ("POST", "/tautan/{pair_id}"): [{"path": 1, "data": {"decision": "same"}}],
        ("GET", "/program"): [{}],
        ("GET", "/program/bnba.{fmt}"): [
            {"url": f"/program/bnba.{f}", "params": {"program": "PKH"}} for f in ("csv", "xlsx")
        ],
        ("GET", "/pengguna"): [{}],
        ("POST", "/pengguna"): [
            {"data": {"username": "baru", "role": "admin_provinsi", "password": "x" * 12}}
        ],
        ("POST", "/pengguna/{username}/aksi"): [
            {"path": "op_a", "data": {"action": a, "password": "x" * 12, "role": "auditor"}}
            for a in ("disable", "unlock", "reset", "role")
        ],
        ("POST", "/pengguna/buka-alamat"): [{"data": {"address": "10.0.0.1"}}],
        ("GET", "/edisi"): [{}],
        ("POST", "/edisi"): [{"data": {"period": "2026-12"}}],
        ("GET", "/edisi/beda"): [{"params": {"a": "2026-10", "b": "2026-11"}}],
        ("GET", "/edisi/{a}/beda/{b}"): [{"path": "2026-10/beda/2026-11"}],
        ("GET", "/edisi/{a}/beda/{b}/unduh.{fmt}"): [{"path": "2026-10/beda/2026-11/unduh.csv"}],
        ("GET", "/audit"): [{"params": {"entitas": fam}}],
        ("GET", "/audit/verifikasi"): [{}],
        ("POST", "/audit/unduh.{fmt}"): [{"path": "csv", "data": {"purpose": "ingin tahu saja"}}],
        ("GET", "/rekonsiliasi/dukcapil"): [{}],
        ("POST", "/rekonsiliasi/dukcapil"): [{"files": {"extract": files["anggota"]}}],
        ("GET", "/rekonsiliasi/dukcapil/{check_id}"): [{"path": 1}],
        ("GET", "/rekonsiliasi/dukcapil/tugas/{token}"): [{"path": "tugas/0123456789abcdef"}],
        ("GET", "/rekonsiliasi/dukcapil/{check_id}/temuan.{fmt}"): [{"path": "1/temuan.csv"}],
        ("GET", "/rekonsiliasi/pembayaran"): [{}],
        ("POST", "/rekonsiliasi/pembayaran"): [{"files": {"penyaluran": files["anggota"]}}],
        ("GET", "/rekonsiliasi/pembayaran/{token}"): [{"path": "0123456789abcdef"}],
        ("GET", "/rekonsiliasi/pembayaran/{token}/{table}.{fmt}"): [
            {"path": "0123456789abcdef/rincian.csv"}
        ],
        ("GET", "/simulasi"): [{}],
        ("POST", "/simulasi"): [{"data": {"program": "pkh", "period": "2026-11"}}],
        ("GET", "/simulasi/{token}"): [{"path": "0123456789abcdef"}],
        ("GET", "/simulasi/{token}/{table}.{fmt}"): [{"path": "0123456789abcdef/desil.csv"}],
        ("GET", "/keluarga/{family_ref}/penjelasan"): [{"path": fam}, {"path": "K1"}],
        ("GET", "/pengaduan"): [{}, {"params": {"nama": "siti"}}],
        ("GET", "/pengaduan/baru"): [{}],
        ("POST", "/pengaduan"): [
            {
                "data": {
                    "category": "help",
                    "channel": "phone",
                    "kode_wilayah": "3604052001",
                    "complainant_name": "Titipan",
                    "description": "x",
                }
            }
        ],
        ("GET", "/pengaduan/{tracking}"): [{"path": complaint}],
        ("GET", "/pengaduan/{tracking}/tanda-terima"): [{"path": complaint}],
        ("POST", "/pengaduan/{tracking}/aksi"): [
            {"path": complaint, "data": {"action": a, "note": "x", "family": fam}}
            for a in ("check", "visit", "close")
        ],
        ("POST", "/pengaduan/rujukan/{referral_id}"): [{"path": referral, "data": {"answer": "x"}}],
        # institutions and the social workforce
        ("GET", "/api/v1/institutions"): [{}, {"params": {"region": "3604052001"}}],
        ("GET", "/api/v1/institutions/occupancy"): [{"params": {"level": 10}}],
        ("GET", "/api/v1/institutions/accreditation"): [{}],
        ("GET", "/api/v1/institutions/{institution_id}"): [{"path": home}],
        ("POST", "/api/v1/institutions"): [{"json": institution_body}],
        ("PUT", "/api/v1/institutions/{institution_id}"): [
            {"path": home, "json": institution_body}
        ],
        ("POST", "/api/v1/institutions/{institution_id}/accreditation"): [
            {
                "path": f"{home}/accreditation",
                "json": {"grade": "A", "accredited_on": "2026-01-01", "expires": "2030-01-01"},
            }
        ],
        ("POST", "/api/v1/institutions/{institution_id}/residents"): [
            {
                "path": f"{home}/residents",
                "json": {"person_id": person, "admitted_on": "2026-11-01", "reason": "x"},
            }
        ],
        ("POST", "/api/v1/institutions/{institution_id}/residents/{stay_id}/discharge"): [
            {
                "path": f"{home}/residents/{stay}/discharge",
                "json": {"discharged_on": "2026-11-02", "reason": "x"},
            }
        ],
        ("GET", "/api/v1/workers"): [{}, {"params": {"region": "3604052001"}}],
        ("GET", "/api/v1/workers/caseloads"): [{"params": {"role": "tksk", "level": 10}}],
        ("GET", "/api/v1/workers/{worker_id}"): [{"path": worker}],
        ("POST", "/api/v1/workers"): [{"json": {**worker_body, "regions": ["3604052002"]}}],
        ("PUT", "/api/v1/workers/{worker_id}"): [
            {"path": worker, "json": {**worker_body, "regions": ["3604052002"]}}
        ],
        ("POST", "/api/v1/workers/{worker_id}/certification"): [
            {"path": f"{worker}/certification", "json": {"certified_on": "2026-01-01"}}
        ],
        ("PUT", "/api/v1/workers/{worker_id}/regions"): [
            {"path": f"{worker}/regions", "json": {"regions": ["3604052002"]}}
        ],
        ("GET", "/lembaga"): [{}, {"params": {"wilayah": "3604052001"}}],
        ("GET", "/lembaga/unduh.{fmt}"): [{"url": f"/lembaga/unduh.{f}"} for f in ("csv", "xlsx")],
        ("GET", "/lembaga/keterisian"): [{"params": {"tingkat": 10}}],
        ("GET", "/lembaga/keterisian.{fmt}"): [{"url": "/lembaga/keterisian.csv"}],
        ("GET", "/lembaga/akreditasi"): [{}],
        ("GET", "/lembaga/akreditasi.{fmt}"): [{"url": "/lembaga/akreditasi.xlsx"}],
        ("GET", "/lembaga/baru"): [{}],
        ("POST", "/lembaga"): [{"data": institution_body}],
        ("GET", "/lembaga/{institution_id}"): [{"path": home, "params": {"cari": "ahmad"}}],
        ("GET", "/lembaga/{institution_id}/penghuni.{fmt}"): [
            {"path": f"{home}/penghuni.{f}"} for f in ("csv", "xlsx")
        ],
        ("GET", "/lembaga/{institution_id}/ubah"): [{"path": f"{home}/ubah"}],
        ("POST", "/lembaga/{institution_id}/ubah"): [
            {"path": f"{home}/ubah", "data": institution_body}
        ],
        ("POST", "/lembaga/{institution_id}/aksi"): [
            {"path": f"{home}/aksi", "data": d}
            for d in (
                {
                    "action": "accredit",
                    "grade": "A",
                    "accredited_on": "2026-01-01",
                    "expires": "2030-01-01",
                },
                {"action": "admit", "person": person, "admitted_on": "2026-11-01", "reason": "x"},
                {
                    "action": "discharge",
                    "stay": str(stay),
                    "discharged_on": "2026-11-02",
                    "reason": "x",
                },
            )
        ],
        ("GET", "/sdm"): [{}, {"params": {"wilayah": "3604052001"}}],
        ("GET", "/sdm/unduh.{fmt}"): [{"url": f"/sdm/unduh.{f}"} for f in ("csv", "xlsx")],
        ("GET", "/sdm/beban"): [{"params": {"peran": "tksk", "tingkat": 10}}],
        ("GET", "/sdm/beban.{fmt}"): [{"url": "/sdm/beban.csv", "params": {"peran": "tksk"}}],
        ("GET", "/sdm/baru"): [{}],
        ("POST", "/sdm"): [{"data": worker_body}],
        ("GET", "/sdm/{worker_id}"): [{"path": worker}],
        ("GET", "/sdm/{worker_id}/ubah"): [{"path": f"{worker}/ubah"}],
        ("POST", "/sdm/{worker_id}/ubah"): [{"path": f"{worker}/ubah", "data": worker_body}],
        ("POST", "/sdm/{worker_id}/aksi"): [
            {"path": f"{worker}/aksi", "data": d}
            for d in (
                {"action": "certify", "certified_on": "2026-01-01"},
                {"action": "assign", "regions": "3604052002"},
            )
        ],
        ("POST", "/lembaga/impor"): [{"files": {"daftar": ("l.csv", institutions_list.encode())}}],
        ("POST", "/sdm/impor"): [{"files": {"daftar": ("s.csv", workers_list.encode())}}],
        ("POST", "/pengaduan/impor"): [{"files": {"daftar": ("p.csv", complaints_list.encode())}}],
        ("GET", "/impor-daftar/{token}/masalah.{fmt}"): [
            {"path": f"{list_upload}/masalah.{f}"} for f in ("csv", "xlsx")
        ],
        ("GET", "/kasus"): [{}, {"params": {"nama": "ahmad", "semua": "true"}}],
        ("GET", "/kasus/baru"): [{}],
        ("POST", "/kasus"): [
            {
                "data": {
                    "caseworker": "peksos",
                    "categories": "09",
                    "subject_name": "Titipan",
                    "kode_wilayah": "3604052001",
                }
            }
        ],
        ("GET", "/kasus/riwayat"): [{"params": {"nik": "3604051507870001"}}],
        ("GET", "/kasus/{number}"): [{"path": case}],
        ("POST", "/kasus/{number}/aksi"): [
            {"path": case, "data": {"action": a, "needs": "x", "reason": "died", **case_step}}
            for a in ("assess", "plan", "reassign", "close")
        ],
        ("GET", "/api/v1/cases"): [{}, {"params": {"name": "ahmad", "include_closed": "true"}}],
        ("POST", "/api/v1/cases"): [
            {
                "json": {
                    "categories": ["09"],
                    "caseworker": "peksos",
                    "name": "Titipan",
                    "kode_wilayah": "3604052001",
                }
            }
        ],
        ("GET", "/api/v1/cases/overdue"): [{}],
        ("GET", "/api/v1/cases/history"): [{"params": {"nik": "3604051507870001"}}],
        ("GET", "/api/v1/cases/{number}"): [{"path": case}],
        ("POST", "/api/v1/cases/{number}/assessment"): [
            {"path": f"{case}/assessment", "json": {"needs": "x"}}
        ],
        ("POST", "/api/v1/cases/{number}/plan"): [
            {
                "path": f"{case}/plan",
                "json": {
                    "goals": "x",
                    "services": [{"atensi": "terapi", "starts_on": "2026-12-01"}],
                },
            }
        ],
        ("POST", "/api/v1/cases/{number}/services"): [
            {"path": f"{case}/services", "json": {"atensi": "terapi", "given_on": "2026-12-01"}}
        ],
        ("POST", "/api/v1/cases/{number}/reviews"): [
            {"path": f"{case}/reviews", "json": {"progress": "x"}}
        ],
        ("POST", "/api/v1/cases/{number}/close"): [
            {"path": f"{case}/close", "json": {"reason": "died"}}
        ],
        ("GET", "/api/v1/complaints"): [{}, {"params": {"name": "siti", "status": "checked"}}],
        ("POST", "/api/v1/complaints"): [
            {
                "json": {
                    "category": "wrong_data",
                    "channel": "walk_in",
                    "kode_wilayah": "3604052001",
                    "complainant_name": "Titipan",
                    "description": "x",
                }
            }
        ],
        ("GET", "/api/v1/complaints/{tracking}"): [{"path": complaint}],
        ("POST", "/api/v1/complaints/{tracking}/check"): [
            {"path": f"{complaint}/check", "json": {"family": fam}}
        ],
        ("POST", "/api/v1/complaints/{tracking}/visit"): [
            {"path": f"{complaint}/visit", "json": {"note": "x"}}
        ],
        ("POST", "/api/v1/complaints/{tracking}/decide"): [
            {"path": f"{complaint}/decide", "json": {"outcome": "no_change"}}
        ],
        ("POST", "/api/v1/complaints/{tracking}/refer"): [
            {"path": f"{complaint}/refer", "json": {"service": "health", "institution": "X"}}
        ],
        ("POST", "/api/v1/complaints/{tracking}/close"): [
            {"path": f"{complaint}/close", "json": {"told_how": "x"}}
        ],
        ("POST", "/api/v1/complaints/referrals/{referral_id}/answer"): [
            {"path": f"{referral}/answer", "json": {"answer": "x"}}
        ],
        # last: it ends the token the routes above were tried with
        ("POST", "/api/v1/auth/logout"): [{}],
    }


def _logged_in(client: TestClient, username: str) -> bool:
    r = client.get("/", follow_redirects=False)
    return r.status_code == 200 and username in r.text


def _url(path: str, spec: dict[str, Any]) -> str:
    if "url" in spec:
        return str(spec["url"])
    if "path" not in spec:
        return path
    head = path.split("{", 1)[0]
    tail = path.rsplit("}", 1)[1] if "}" in path else ""
    if tail and "{" not in tail and not str(spec["path"]).endswith(tail):
        return f"{head}{spec['path']}{tail}"
    return f"{head}{spec['path']}"


SECRETS = (
    "Ahmad",
    "Siti Aminah",
    "3604051507870001",
    "3604054107870002",
    "Kp. Baru",
    "Panti Desa A",
    "Rina TKSK Desa A",
    "3604050101800011",
)


def test_every_route_is_checked(web_sqlite: WebEnv) -> None:
    assert route_keys(web_sqlite) == set(attacks({"family": "", "proposal": 0, "job": 0}))


def test_desa_operator_cannot_reach_another_desa(web: WebEnv) -> None:
    v = victim(web)
    with web.engine.connect() as conn:
        before = conn.execute(
            text("SELECT version, rt, status FROM family WHERE id = :id"),
            {"id": web.families["K1"]},
        ).one()
        proposal_before = conn.execute(
            text("SELECT state, version FROM proposal WHERE id = :id"), {"id": v["proposal"]}
        ).one()
        proposals_before = conn.execute(text("SELECT count(*) FROM proposal")).scalar()
        cases_before = conn.execute(text("SELECT count(*), max(version) FROM ppks_case")).one()
    api = web.api("op_b")
    table = attacks(v)
    assert route_keys(web) == set(table)
    page: tuple[TestClient, str] | None = None
    for (method, path), specs in table.items():
        for spec in specs:
            if path.startswith("/api/"):
                client, csrf = api, ""
            else:
                # A page login costs an argon2 check: the page session is kept while it
                # still opens op_b's dashboard (an attack may end it: /keluar, /masuk).
                if page is None or not _logged_in(page[0], "op_b"):
                    page = web.page("op_b")
                client, csrf = page
            url = _url(path, spec)
            kwargs = {k: spec[k] for k in ("params", "json", "files") if k in spec}
            if "data" in spec or (method == "POST" and not path.startswith("/api/")):
                kwargs["data"] = {**spec.get("data", {}), "csrf_token": csrf}
            r = client.request(method, url, follow_redirects=False, **kwargs)
            where = f"{method} {url} -> {r.status_code}"
            assert r.status_code < 500, where + r.text[:300]
            if "path" in spec:
                assert r.status_code in (403, 404, 409), where
            body = r.text
            for sent in spec.get("params", {}).values():  # the attacker's own query, echoed back
                body = body.replace(str(sent), "")
            for secret in SECRETS:
                assert secret not in body, f"{where} leaks {secret!r}"
            if path == "/api/v1/proposals/bulk":
                assert all(not o["ok"] for o in r.json())
            if method == "POST" and path in ("/lembaga/impor", "/sdm/impor"):
                assert r.status_code == 403, where  # the role does not import these lists
            if method == "POST" and path == "/pengaduan/impor":
                assert "ditolak 2." in body, where + body[:300]  # both rows outside desa B
            if method == "POST" and path in ("/api/v1/imports", "/impor"):
                # The upload holds desa A's families: refused at upload, no job started.
                assert r.status_code == 403, where + r.text[:300]
                assert "di luar wilayah kerja Anda (3604052002): 3604052001" in r.text
    with web.engine.connect() as conn:
        after = conn.execute(
            text("SELECT version, rt, status FROM family WHERE id = :id"),
            {"id": web.families["K1"]},
        ).one()
        proposal_after = conn.execute(
            text("SELECT state, version FROM proposal WHERE id = :id"), {"id": v["proposal"]}
        ).one()
        proposals_after = conn.execute(text("SELECT count(*) FROM proposal")).scalar()
        comments = conn.execute(text("SELECT count(*) FROM proposal_comment")).scalar()
        cases_after = conn.execute(text("SELECT count(*), max(version) FROM ppks_case")).one()
    assert tuple(after) == tuple(before)
    with web.engine.connect() as conn:
        social_changes = conn.execute(
            text(
                "SELECT count(*) FROM audit_event WHERE actor = 'op_b' AND "
                "(action LIKE 'institution.%' OR action LIKE 'worker.%' "
                "OR action LIKE 'complaint.%' OR action LIKE 'referral.%')"
            )
        ).scalar()
        still = conn.execute(
            text(
                "SELECT i.name, r.discharged_on, w.certified FROM institution i "
                "JOIN institution_resident r ON r.institution_id = i.id, social_worker w "
                "WHERE i.id = :i AND w.id = :w"
            ),
            {"i": v["institution"], "w": v["worker"]},
        ).one()
    assert social_changes == 0
    assert tuple(still) == ("Panti Desa A", None, 0)
    assert tuple(proposal_after) == tuple(proposal_before)
    assert proposals_after == proposals_before
    assert comments == 0
    assert tuple(cases_after) == tuple(cases_before)
