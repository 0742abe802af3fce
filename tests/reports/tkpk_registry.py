"""A small registry for the TKPK report tests, whose counts are easy to make by hand.

Banten (36), two kab/kota:

* Kab. Serang (3604), desa 3604052001: K1 (A1 valid NIK; A2 an invalid NIK, as an old
  record may hold; A3 no NIK), desil 2, PKH and BPNT, record changed today;
  desa 3604052002: K2 (A4), desil 7, no programme, record 20 months old.
* Kab. Pandeglang (3601), desa 3601012001: K3 (A5, A6), desil 3, BPNT, record 30 months old.

Also: one duplicate pair pending in 3604052001 (and one decided in 3601012001), a Dukcapil
check finding a name and a birth date mismatch for A4 (A5: ok), a TKSK over kecamatan
360405 and a PKH facilitator in 3601012001, an elderly home in 3604 (20 places).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import terpadu.welfare
from terpadu.intake import import_batch
from terpadu.store.models.linkage import DukcapilCheck, DukcapilResult, ReviewPair
from terpadu.store.models.social import Institution, Worker, WorkerRegion
from terpadu.store.models.targeting import Enrolment, TargetingRun

TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
DEPRIVATION = Path(terpadu.welfare.__file__).with_name("deprivation.yaml")
KELUARGA = (
    "ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT,RT,RW\n"
    "K1,3604051507870001,3604052001,Kp. Baru,001,002\n"
    "K2,3604052001100002,3604052002,Kp. Lama,003,001\n"
    "K3,3601011507870003,3601012001,Kp. Gunung,002,001\n"
)
ANGGOTA = (
    "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
    "A1,K1,3604051507870001,Ahmad bin Salim,1,1987-07-15,1\n"
    "A2,K1,3604054107870002,Siti Aminah,2,1987-07-01,2\n"
    "A3,K1,,Budi,1,2010-01-01,3\n"
    "A4,K2,3604050203900003,Joko Susilo,1,1990-03-02,1\n"
    "A5,K3,3601011507800004,Dedi Kurnia,1,1980-07-15,1\n"
    "A6,K3,3601015507820005,Rina Wati,2,1982-07-15,2\n"
)
DESIL = {"K1": 2, "K2": 7, "K3": 3}


def _ids(engine: Engine, table: str) -> dict[str, int]:
    with engine.connect() as conn:
        return {k: int(i) for k, i in conn.execute(text(f"SELECT source_key, id FROM {table}"))}


def _rank(engine: Engine, families: dict[str, int]) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO welfare_run (id, model_version, model_kind, model_sha256, engine, "
                "snapshot_sha256, reference_date, deprivation_config, deprivation_sha256, "
                "families_ranked, families_skipped, actor, started_at) VALUES (1, 'pmt-2026', "
                "'ols', 'x', 'duckdb', 'x', :d, :config, 'x', 3, 0, 'test', :t)"
            ),
            {"d": TODAY, "t": NOW, "config": DEPRIVATION.read_text(encoding="utf-8")},
        )
        for i, (key, d) in enumerate(DESIL.items(), start=1):
            poor = d <= 3
            conn.execute(
                text(
                    "INSERT INTO family_welfare (id, run_id, family_id, is_current, "
                    "model_version, ranked_at, kode_provinsi, kode_kabkota, pmt_score, "
                    "persentil, desil, rank_nasional, rank_provinsi, rank_kabkota, "
                    "skor_deprivasi, skor_dimensi, indikator_deprivasi, dimensi_deprivasi, "
                    "miskin_multidimensi) VALUES (:i, 1, :f, 1, 'pmt-2026', :t, '36', :kab, "
                    ":score, :p, :d, :i, :i, :i, :dep, :dims, :ind, :dimnames, :poor)"
                ),
                {
                    "i": i,
                    "f": families[key],
                    "kab": "3601" if key == "K3" else "3604",
                    "t": NOW,
                    "score": 13.0 + d,
                    "p": d * 10 - 5,
                    "d": d,
                    "dep": 0.4 if poor else 0.0,
                    "dims": json.dumps({"economic": 0.2, "housing": 0.2} if poor else {}),
                    "ind": "lantai_tanah" if poor else "",
                    "dimnames": "economic;housing" if poor else "",
                    "poor": int(poor),
                },
            )


def _enrol(session: Session, families: dict[str, int]) -> None:
    where = {"K1": "3604052001", "K3": "3601012001"}
    for run_id, program, keys in ((1, "pkh", ["K1"]), (2, "bpnt", ["K1", "K3"])):
        session.add(
            TargetingRun(
                id=run_id,
                program=program,
                program_version="1",
                program_sha256="x",
                program_config="",
                period="2026-12",
                reference_date=TODAY,
                engine="duckdb",
                snapshot_sha256="x",
                enrolled_sha256="x",
            )
        )
        session.flush()
        for rank, key in enumerate(keys, start=1):
            session.add(
                Enrolment(
                    run_id=run_id,
                    program=program,
                    program_version="1",
                    period="2026-12",
                    family_id=families[key],
                    kode_wilayah=where[key],
                    kuota_wilayah=where[key][:4],
                    peringkat=rank,
                    nominal=100_000,
                )
            )


def _quality(session: Session, persons: dict[str, int]) -> None:
    for state, a, b, code in (
        ("pending", "A1", "A4", "3604052001"),
        ("decided", "A5", "A6", "3601012001"),
    ):
        session.add(
            ReviewPair(
                run_id=1,
                person_a=persons[a],
                person_b=persons[b],
                match_probability=0.8,
                match_weight=3.0,
                state=state,
                kode_wilayah=code,
            )
        )
    session.add(DukcapilCheck(id=1, file_name="dukcapil.csv", sha256="x"))
    session.flush()
    for person, findings, code in (
        ("A4", "nama_beda;tgl_lahir_beda", "3604052002"),
        ("A5", "ok", "3601012001"),
    ):
        session.add(
            DukcapilResult(
                check_id=1, person_id=persons[person], findings=findings, kode_wilayah=code
            )
        )


def _services(session: Session) -> None:
    for i, (role, code) in enumerate((("tksk", "360405"), ("pendamping_pkh", "3601012001"))):
        worker = Worker(nik=f"360405150787{i:04d}", name=f"Petugas {i}", role=role, updated_by="t")
        session.add(worker)
        session.flush()
        session.add(WorkerRegion(worker_id=worker.id, kode_wilayah=code))
    session.add(
        Institution(
            registration_no="LKS-1",
            name="Panti Werdha Serang",
            form="panti",
            kind="elderly",
            owner="regional",
            capacity=20,
            kode_wilayah="3604052001",
            updated_by="test",
        )
    )


def build_registry(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Import and decorate the registry above; the family ids by ID_KELUARGA."""
    folder = tmp_path / "batch"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keluarga.csv").write_text(KELUARGA)
    (folder / "anggota.csv").write_text(ANGGOTA)
    import_batch(engine, folder / "keluarga.csv", folder / "anggota.csv", source="tkpk")
    families, persons = _ids(engine, "family"), _ids(engine, "person")
    with engine.begin() as conn:
        # An old record's NIK that cannot be one (the day and month are zero).
        conn.execute(
            text("UPDATE person SET nik = '3604050000000002' WHERE id = :p"), {"p": persons["A2"]}
        )
        for key, months in (("K1", 0), ("K2", 20), ("K3", 30)):
            when = dt.datetime(2026 - (months // 12), 12 - (months % 12), 1, tzinfo=dt.UTC)
            conn.execute(
                text("UPDATE family SET updated_at = :w WHERE id = :f"),
                {"w": when, "f": families[key]},
            )
    _rank(engine, families)
    with Session(engine) as session, session.begin():
        _enrol(session, families)
        _quality(session, persons)
        _services(session)
    return families
