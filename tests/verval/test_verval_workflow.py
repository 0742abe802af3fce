import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from verval_helpers import (
    AUDITOR,
    CONFIG,
    DESA,
    KAB,
    KAB_2,
    OPERATOR,
    OPERATOR_2,
    OUTSIDER_KAB,
    PROV,
    load_registry,
)

from terpadu.access import Actor
from terpadu.audit import verify_chain
from terpadu.store.models import (
    Batch,
    BatchFile,
    Family,
    Membership,
    Person,
    StatusEvent,
    ValueChange,
)
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.verval import ProposalEvidence
from terpadu.verval import (
    add_comment,
    attach_evidence,
    bulk_decide,
    create_proposal,
    decide,
    get_proposal,
    list_proposals,
    revise_proposal,
)
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.decisions import approve, reject, return_proposal, submit, verify
from terpadu.verval.errors import (
    ConflictError,
    InvalidProposal,
    InvalidTransition,
    PermissionDenied,
)


def _through(
    engine: Engine, proposal_id: int, config: WorkflowConfig = CONFIG, operator: Actor = OPERATOR
) -> None:
    submit(engine, operator, proposal_id, config=config)
    verify(engine, KAB, proposal_id, config=config)
    approve(engine, PROV, proposal_id, config=config)


def test_correction_changes_the_registry_only_when_approved(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(
        engine, OPERATOR, "koreksi", family_id=ids["K1"], values={"alamat": "Kp. Baru Indah"}
    )
    for step in (
        lambda: submit(engine, OPERATOR, pid, config=CONFIG),
        lambda: verify(engine, KAB, pid, config=CONFIG),
    ):
        step()
        with Session(engine) as s:
            assert s.get(Family, ids["K1"]).alamat == "Kp. Baru"  # type: ignore[union-attr]
    summary = approve(engine, PROV, pid, config=CONFIG)
    assert summary.state == "approved"
    with Session(engine) as s:
        family = s.get(Family, ids["K1"])
        assert family is not None and family.alamat == "Kp. Baru Indah" and family.version == 2
        change = s.scalars(select(ValueChange).where(ValueChange.entity_id == ids["K1"])).one()
        assert (change.field, change.old_value, change.new_value) == (
            "alamat",
            "Kp. Baru",
            "Kp. Baru Indah",
        )
        batch = s.get(Batch, change.batch_id)
        assert batch is not None and batch.actor == "admin_banten"
        file = s.get(BatchFile, change.file_id)
        assert file is not None and file.file_name == f"usulan-{pid}.json"
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == [
        "import.batch",  # the batch the family came in with
        "usulan.create",
        "usulan.submit",
        "usulan.verify",
        "family.update",
        "usulan.approve",
    ]
    detail = get_proposal(engine, AUDITOR, pid, config=CONFIG)
    assert [s["action"] for s in detail.steps] == ["create", "submit", "verify", "approve"]
    assert detail.batch_id == change.batch_id
    assert verify_chain(engine).ok


def test_new_family_with_members(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path)
    pid = create_proposal(
        engine,
        OPERATOR,
        "keluarga-baru",
        values={"kode_wilayah": DESA, "alamat": "Kp. Sawah", "luas_lantai": "24"},
        members=[
            {
                "nama": "Rahmat",
                "nik": "3604051203850001",
                "jenis_kelamin": "1",
                "hub_keluarga": "1",
            },
            {"nama": "Nur", "tgl_lahir": "2015-02-01", "hub_keluarga": "3"},
        ],
    )
    _through(engine, pid)
    detail = get_proposal(engine, PROV, pid, config=CONFIG)
    assert detail.result is not None
    family_id = detail.result["family_id"]
    with Session(engine) as s:
        family = s.get(Family, family_id)
        assert family is not None and family.luas_lantai == 24.0 and family.source_key == f"U{pid}"
        members = s.scalars(select(Membership).where(Membership.family_id == family_id)).all()
        assert len(members) == 2 and all(m.joined_batch_id == detail.batch_id for m in members)
        nur = s.get(Person, detail.result["person_ids"][1])
        assert nur is not None and nur.tgl_lahir == dt.date(2015, 2, 1)
        assert nur.needs_civil_registration == 1


def test_deactivate_and_reactivate_with_status_events(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(
        engine, OPERATOR_2, "deactivate", family_id=ids["K2"], reason="Tidak_Ditemukan"
    )
    _through(engine, pid, operator=OPERATOR_2)
    with Session(engine) as s:
        family = s.get(Family, ids["K2"])
        assert family is not None and (family.status, family.status_reason) == (
            "nonaktif",
            "tidak ditemukan",
        )
        event = s.scalars(select(StatusEvent)).one()
        assert (event.entity, event.entity_id, event.reason, event.actor) == (
            "family",
            ids["K2"],
            "tidak ditemukan",
            "admin_banten",
        )
    back = create_proposal(engine, OPERATOR_2, "reactivate", family_id=ids["K2"], note="ditemukan")
    _through(engine, back, operator=OPERATOR_2)
    with Session(engine) as s:
        family = s.get(Family, ids["K2"])
        assert family is not None and family.status == "aktif" and family.status_reason is None
        assert s.scalar(select(func.count()).select_from(StatusEvent)) == 2


def test_remove_member_who_died_closes_the_membership(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(
        engine,
        OPERATOR,
        "remove_member",
        family_id=ids["K1"],
        person_id=ids["A1"],
        reason="meninggal",
    )
    _through(engine, pid)
    with Session(engine) as s:
        membership = s.scalars(select(Membership).where(Membership.person_id == ids["A1"])).one()
        assert membership.left_reason == "meninggal" and membership.left_at is not None
        person = s.get(Person, ids["A1"])
        assert person is not None and person.status_reason == "meninggal"
        assert s.get(Person, ids["A1"]) is not None  # never deleted


def test_add_existing_person_moves_them(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(
        engine,
        OPERATOR,
        "add_member",
        family_id=ids["K1"],
        person_id=ids["A4"],
        values={"hub_keluarga": "8"},
    )
    _through(engine, pid)
    with Session(engine) as s:
        rows = s.scalars(
            select(Membership).where(Membership.person_id == ids["A4"]).order_by(Membership.id)
        ).all()
        assert [(m.family_id, m.left_reason) for m in rows] == [
            (ids["K2"], "pindah keluarga"),
            (ids["K1"], None),
        ]


def test_roles_and_regions_are_enforced(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    with pytest.raises(PermissionDenied):  # K1 is in another desa
        create_proposal(engine, OPERATOR_2, "correct", family_id=ids["K1"], values={"rt": "009"})
    with pytest.raises(PermissionDenied):
        create_proposal(engine, KAB, "correct", family_id=ids["K1"], values={"rt": "009"})
    pid = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "009"})
    with pytest.raises(InvalidTransition):  # a draft is not reviewed
        verify(engine, KAB, pid, config=CONFIG)
    submit(engine, OPERATOR, pid, config=CONFIG)
    with pytest.raises(PermissionDenied):
        verify(engine, OUTSIDER_KAB, pid, config=CONFIG)
    with pytest.raises(PermissionDenied):  # the province waits for the kab/kota
        approve(engine, PROV, pid, config=CONFIG)
    with pytest.raises(InvalidTransition):  # kab/kota is not the last level here
        approve(engine, KAB, pid, config=CONFIG)
    with pytest.raises(PermissionDenied):
        add_comment(engine, AUDITOR, pid, "hanya membaca")
    assert [p.id for p in list_proposals(engine, OPERATOR_2, config=CONFIG)] == []
    assert [p.id for p in list_proposals(engine, KAB, config=CONFIG)] == [pid]


def test_reject_and_return_need_a_note_and_return_goes_back_to_the_desa(
    engine: Engine, tmp_path: Path
) -> None:
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "009"})
    submit(engine, OPERATOR, pid, config=CONFIG)
    with pytest.raises(InvalidProposal):
        return_proposal(engine, KAB, pid, config=CONFIG)
    returned = return_proposal(engine, KAB, pid, note="RT salah ketik", config=CONFIG)
    assert returned.state == "returned" and returned.waiting_on == "operator_desa"
    revise_proposal(engine, OPERATOR, pid, values={"rt": "010"})
    submit(engine, OPERATOR, pid, config=CONFIG)
    verify(engine, KAB, pid, config=CONFIG)
    rejected = reject(engine, PROV, pid, note="tidak ada berita acara", config=CONFIG)
    assert rejected.state == "rejected"
    with pytest.raises(InvalidTransition):
        approve(engine, PROV, pid, config=CONFIG)
    with Session(engine) as s:
        family = s.get(Family, ids["K1"])
        assert family is not None and family.rt == "001" and family.version == 1


def test_a_kab_kota_may_approve_itself(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    config = WorkflowConfig.from_mapping({"regions": {"36.04": ["verifikator_kab"]}})
    pid = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rw": "005"})
    submit(engine, OPERATOR, pid, config=config)
    with pytest.raises(InvalidTransition):
        verify(engine, KAB, pid, config=config)
    assert approve(engine, KAB, pid, config=config).state == "approved"


def test_creator_cannot_review_own_proposal_and_ageing_against_target(
    engine: Engine, tmp_path: Path
) -> None:
    ids = load_registry(engine, tmp_path)
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    pid = create_proposal(
        engine, OPERATOR, "correct", family_id=ids["K1"], values={"rw": "005"}, now=start
    )
    submit(engine, OPERATOR, pid, config=CONFIG, now=start)
    rows = list_proposals(engine, KAB, config=CONFIG, now=start + dt.timedelta(days=20))
    assert rows[0].waiting_on == "verifikator_kab" and rows[0].sla_days == 14
    assert rows[0].age_days == 20 and rows[0].overdue
    fresh = list_proposals(engine, KAB, config=CONFIG, now=start + dt.timedelta(days=3))
    assert not fresh[0].overdue
    assert list_proposals(engine, KAB, overdue=True, config=CONFIG, now=start) == []


def test_bulk_decisions_report_each_proposal(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    first = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "007"})
    second = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rw": "008"})
    draft = create_proposal(
        engine, OPERATOR_2, "correct", family_id=ids["K2"], values={"rw": "009"}
    )
    assert all(
        o.ok for o in bulk_decide(engine, OPERATOR, [first, second], "submit", config=CONFIG)
    )
    outcomes = bulk_decide(engine, KAB, [first, second, draft], "verify", config=CONFIG)
    assert [o.ok for o in outcomes] == [True, True, False]
    assert "draf" in outcomes[2].message
    assert all(o.ok for o in bulk_decide(engine, PROV, [first, second], "approve", config=CONFIG))
    with Session(engine) as s:
        assert [(f.rt, f.rw) for f in s.scalars(select(Family).order_by(Family.id))] == [
            ("007", "008"),
            ("003", "001"),
        ]


def test_evidence_is_content_addressed(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(engine, OPERATOR, "deactivate", family_id=ids["K1"], reason="pindah")
    minutes = tmp_path / "berita_acara.pdf"
    minutes.write_bytes(b"%PDF-1.4 musdes 2026")
    store = tmp_path / "evidence"
    attach_evidence(engine, OPERATOR, pid, minutes, description="berita acara", evidence_dir=store)
    attach_evidence(engine, KAB, pid, minutes, evidence_dir=store)
    files = [p for p in store.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].read_bytes() == minutes.read_bytes()
    with Session(engine) as s:
        rows = s.scalars(select(ProposalEvidence)).all()
        assert {r.sha256 for r in rows} == {files[0].name}
        assert rows[0].size_bytes == minutes.stat().st_size and rows[0].file_name == minutes.name
    add_comment(engine, KAB, pid, "Sudah dikunjungi, rumah kosong.")
    detail = get_proposal(engine, OPERATOR, pid, config=CONFIG)
    assert len(detail.evidence) == 2 and detail.comments[0]["author"] == "verif_serang"


def test_second_verifier_gets_a_conflict_and_nothing_is_lost(
    engine: Engine, tmp_path: Path
) -> None:
    ids = load_registry(engine, tmp_path)
    first = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "005"})
    second = create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "006"})
    for pid in (first, second):
        submit(engine, OPERATOR, pid, config=CONFIG)
        verify(engine, KAB if pid == first else KAB_2, pid, config=CONFIG)
    seen = get_proposal(engine, PROV, second, config=CONFIG).summary
    approve(engine, PROV, first, config=CONFIG, family_version=seen.family_version)
    with pytest.raises(ConflictError, match="sudah diubah oleh pengguna lain"):
        approve(engine, PROV, second, config=CONFIG, family_version=seen.family_version)
    # Without a version the stale field value still conflicts: rt is no longer "001".
    with pytest.raises(ConflictError):
        approve(engine, PROV, second, config=CONFIG)
    assert get_proposal(engine, PROV, second, config=CONFIG).summary.state == "verified"
    with Session(engine) as s:
        family = s.get(Family, ids["K1"])
        assert family is not None and family.rt == "005"
    # A stale proposal version is refused too.
    with pytest.raises(ConflictError, match="sudah diproses"):
        decide(engine, PROV, second, "reject", note="x", expected_version=1, config=CONFIG)
    assert verify_chain(engine).ok


def test_control_characters_are_refused_in_values_notes_and_comments(
    engine: Engine, tmp_path: Path
) -> None:
    """A NUL cannot be stored on PostgreSQL and is no part of any text: refused in words."""
    ids = load_registry(engine, tmp_path)
    with pytest.raises(InvalidProposal, match=r"'alamat'.*NUL \(U\+0000\)"):
        create_proposal(
            engine, OPERATOR, "koreksi", family_id=ids["K1"], values={"alamat": "a\x00"}
        )
    pid = create_proposal(
        engine, OPERATOR, "koreksi", family_id=ids["K1"], values={"alamat": "Kp. Baru Indah"}
    )
    with pytest.raises(InvalidProposal, match="komentar"):
        add_comment(engine, OPERATOR, pid, "cek\x00")
    with pytest.raises(InvalidProposal, match="catatan"):
        submit(engine, OPERATOR, pid, note="siap\x1b", config=CONFIG)
    add_comment(engine, OPERATOR, pid, "baris satu\nbaris dua\tmenjorok")
    assert submit(engine, OPERATOR, pid, note="siap\n", config=CONFIG).state == "submitted"
