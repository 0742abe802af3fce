"""Data-subject rights: the report on one NIK (scoped, audited) and a correction request."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import (
    AUDITOR,
    KAB,
    OPERATOR,
    OPERATOR_2,
    OUTSIDER_KAB,
    load_registry,
)

from terpadu.access import PermissionDenied
from terpadu.audit import verify_chain
from terpadu.cli.subjects import subjects_app
from terpadu.settings import get_settings
from terpadu.store import make_engine, upgrade
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.verval import Proposal
from terpadu.subjects import (
    InvalidSubjectNik,
    SubjectNotFound,
    report_markdown,
    request_correction,
    subject_report,
)
from terpadu.verval import create_proposal

AHMAD = "3604051507870001"  # K1, desa 3604052001
SITI = "3604054107870002"
JOKO = "3604050203900003"  # K2, desa 3604052002


@pytest.fixture
def registry(engine: Engine, tmp_path: Path) -> dict[str, int]:
    return load_registry(engine, tmp_path)


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_the_report_holds_the_person_their_family_and_history(
    engine: Engine, registry: dict[str, int]
) -> None:
    create_proposal(engine, OPERATOR, "correct", family_id=registry["K1"], values={"rt": "009"})
    report = subject_report(engine, KAB, AHMAD, purpose="permohonan 12/2026")
    data = report.sections
    [person] = data["orang"]
    assert person["nik"] == AHMAD and person["nama"] == "Ahmad bin Salim"
    assert person["tgl_lahir"] == "1987-07-15" and person["tautan"] == "nik"
    [family] = data["keluarga"]
    assert family["no_kk"] == AHMAD and family["jumlah_anggota_aktif"] == 3
    assert [m["family_id"] for m in data["keanggotaan"]] == [registry["K1"]]
    assert [p["kind"] for p in data["usulan"]] == ["correct"]
    assert {e["action"] for e in data["event_audit"]} >= {"usulan.create"}
    # Other members are data subjects of their own: not in this report.
    text_of_report = json.dumps(report.as_dict(), ensure_ascii=False)
    assert SITI not in text_of_report and "Siti Aminah" not in text_of_report
    assert not report.withheld
    markdown = report_markdown(report)
    assert "Ahmad bin Salim" in markdown and "## Keluarga (KK) (1)" in markdown


def test_every_report_is_audited_and_shows_earlier_ones(
    engine: Engine, registry: dict[str, int]
) -> None:
    first = subject_report(engine, OPERATOR, AHMAD, purpose="permohonan 1")
    second = subject_report(engine, OPERATOR, AHMAD, purpose="permohonan 2")
    events = _events(engine, "subject.report")
    assert [e.id for e in events] == [first.audit_event_id, second.audit_event_id]
    after = json.loads(events[0].after)
    assert after["tujuan"] == "permohonan 1" and AHMAD not in events[0].after
    assert after["nik"] == "3604********0001"
    seen = [e for e in second.sections["event_audit"] if e["action"] == "subject.report"]
    assert [e["id"] for e in seen] == [first.audit_event_id]
    assert verify_chain(engine).ok


def test_scope_by_role_and_region(engine: Engine, registry: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied):
        subject_report(engine, AUDITOR, AHMAD, purpose="x")  # masked role: no full report
    with pytest.raises(SubjectNotFound):
        subject_report(engine, OPERATOR_2, AHMAD, purpose="x")  # another desa
    with pytest.raises(SubjectNotFound):
        subject_report(engine, OUTSIDER_KAB, AHMAD, purpose="x")
    # Even a search that finds nothing is an access, and is audited.
    assert len(_events(engine, "subject.report")) == 2
    assert subject_report(engine, OPERATOR_2, JOKO, purpose="x").sections["orang"]
    with pytest.raises(InvalidSubjectNik):
        subject_report(engine, OPERATOR, "12345", purpose="x")
    with pytest.raises(PermissionDenied):
        subject_report(engine, OPERATOR, AHMAD, purpose="  ")


def test_a_person_who_moved_shows_only_what_lies_in_the_region(
    engine: Engine, registry: dict[str, int]
) -> None:
    # Ahmad's row also had a family in desa 2002 before (a membership left long ago).
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO membership (person_id, family_id, hub_keluarga, joined_at, left_at)"
                " VALUES (:p, :f, 1, '2020-01-01', '2021-01-01')"
            ),
            {"p": registry["A1"], "f": registry["K2"]},
        )
    desa = subject_report(engine, OPERATOR, AHMAD, purpose="x")
    assert [f["id"] for f in desa.sections["keluarga"]] == [registry["K1"]]
    assert desa.withheld == {"keluarga": 1}
    kab = subject_report(engine, KAB, AHMAD, purpose="x")
    assert {f["id"] for f in kab.sections["keluarga"]} == {registry["K1"], registry["K2"]}
    assert not kab.withheld


def test_a_correction_request_becomes_a_draft_proposal(
    engine: Engine, registry: dict[str, int]
) -> None:
    pid = request_correction(
        engine,
        OPERATOR,
        AHMAD,
        {"nama": "Achmad bin Salim"},
        "Nama di KTP tertulis Achmad; KTP asli diperlihatkan.",
    )
    with Session(engine) as session:
        row = session.get_one(Proposal, pid)
    assert row.kind == "correct" and row.state == "draft"
    assert row.person_id == registry["A1"] and row.family_id == registry["K1"]
    assert row.payload["changes"]["nama"] == {"old": "Ahmad bin Salim", "new": "Achmad bin Salim"}
    assert row.note is not None and "KTP asli diperlihatkan" in row.note
    with pytest.raises(SubjectNotFound):
        request_correction(engine, OPERATOR_2, AHMAD, {"nama": "X"}, "pernyataan")
    with pytest.raises(PermissionDenied):
        request_correction(engine, KAB, AHMAD, {"nama": "X"}, "pernyataan")


# -- the command ---------------------------------------------------------------------------

app = typer.Typer()
app.add_typer(subjects_app, name="subjek")
runner = CliRunner()


@pytest.fixture
def workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[Path]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TERPADU_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'terpadu.db'}")
    (tmp_path / "var").mkdir()
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    load_registry(engine, tmp_path)
    engine.dispose()
    TOKENS["op1"] = cli_account("op1", "operator_desa", "3604052001", use=False)
    TOKENS["bpk"] = cli_account("bpk", "auditor", None, use=False)
    yield tmp_path
    get_settings.cache_clear()


TOKENS: dict[str, str] = {}


def _as(name: str) -> dict[str, str]:
    return {"TERPADU_TOKEN": TOKENS[name]}


def test_the_commands_write_private_files_and_a_proposal(workspace: Path) -> None:
    out = workspace / "laporan.json"
    done = runner.invoke(
        app,
        ["subjek", "laporan", AHMAD, "--out", str(out), "--tujuan", "permohonan 7"],
        env=_as("op1"),
    )
    assert done.exit_code == 0, done.output
    report = json.loads(out.read_text())
    assert report["nik"] == AHMAD and report["data"]["orang"][0]["nama"] == "Ahmad bin Salim"
    markdown = workspace / "laporan.md"
    assert "Ahmad bin Salim" in markdown.read_text()
    assert out.stat().st_mode & 0o777 == 0o600 and markdown.stat().st_mode & 0o777 == 0o600
    done = runner.invoke(
        app,
        [
            "subjek",
            "koreksi",
            AHMAD,
            "--set",
            "tempat_lahir=Serang",
            "--pernyataan",
            "lahir di Serang",
        ],
        env=_as("op1"),
    )
    assert done.exit_code == 0 and "USL0000000001" in done.output, done.output
    refused = runner.invoke(
        app,
        ["subjek", "laporan", AHMAD, "--out", str(out), "--tujuan", "x"],
        env=_as("bpk"),
    )
    assert refused.exit_code == 1 and "NIK lengkap" in refused.output
