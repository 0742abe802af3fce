"""Anchors kept outside the database catch a rewound tail of the audit chain."""

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from terpadu.audit import record_event, verify_chain
from terpadu.audit.anchor import (
    AuditKeyMissing,
    current_anchor,
    load_key,
    read_anchor,
    sign_head,
    signature_ok,
    write_anchor,
)
from terpadu.cli.audit import audit_app
from terpadu.editions import publish_edition
from terpadu.settings import get_settings
from terpadu.store import make_engine, upgrade

KEY = b"kunci-rahasia-audit"


def _log(engine: Engine, n: int) -> None:
    for i in range(n):
        with engine.begin() as conn:
            record_event(
                conn,
                actor="op",
                action="usulan.create",
                entity="proposal",
                entity_id=i,
                region="3604052001",
                before=None,
                after={"n": i},
            )


def _rewind(engine: Engine, keep: int) -> None:
    """What a database holder can do: drop the guard, delete the tail, move the head back."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text("DELETE FROM audit_event WHERE id > :k"), {"k": keep})
        last = conn.execute(text("SELECT hash FROM audit_event WHERE id = :k"), {"k": keep})
        conn.execute(
            text("UPDATE audit_chain_head SET last_id = :k, last_hash = :h"),
            {"k": keep, "h": last.scalar_one()},
        )


def _anchor(engine: Engine, key: bytes | None = KEY) -> tuple[str, object]:
    with engine.connect() as conn:
        return ("jangkar", current_anchor(conn, key))


def test_a_rewound_tail_passes_alone_but_not_against_an_anchor(engine: Engine) -> None:
    _log(engine, 6)
    anchor = _anchor(engine)
    _rewind(engine, keep=3)
    assert verify_chain(engine).ok  # the chain alone looks whole
    report = verify_chain(engine, [anchor], KEY)  # type: ignore[list-item]
    assert not report.ok
    [problem] = report.problems
    assert problem.kind == "rewound" and problem.event_id == 4
    assert "#4–#6" in problem.message and "6 event" in problem.message


def test_an_anchor_holds_while_the_chain_grows(engine: Engine) -> None:
    _log(engine, 3)
    anchor = _anchor(engine)
    _log(engine, 2)
    report = verify_chain(engine, [anchor], KEY)  # type: ignore[list-item]
    assert report.ok and report.anchors_checked == ["jangkar"]


def test_a_rewritten_tail_of_the_same_length_is_caught(engine: Engine) -> None:
    _log(engine, 4)
    anchor = _anchor(engine)
    _rewind(engine, keep=2)
    _log(engine, 2)  # appended again: a consistent chain of the old length, other events
    assert verify_chain(engine).ok
    report = verify_chain(engine, [anchor], KEY)  # type: ignore[list-item]
    assert [(p.kind, p.event_id) for p in report.problems] == [("anchor_mismatch", 4)]


def test_a_forged_or_unsigned_anchor_is_not_trusted(engine: Engine) -> None:
    _log(engine, 3)
    with engine.connect() as conn:
        good = current_anchor(conn, KEY)
    assert signature_ok(good, KEY) and not signature_ok(good, b"other")
    forged = sign_head(b"guessed key", good.event_count, good.head_hash)
    edited = dataclasses.replace(good, event_count=2)  # moved back to suit a rewind
    report = verify_chain(engine, [("a", forged), ("b", edited)], KEY)
    assert [p.kind for p in report.problems] == ["anchor_invalid", "anchor_invalid"]
    assert "kunci lain" in report.problems[0].message
    # An unsigned anchor (an edition from before the key) and any anchor without a key:
    # the positions are still checked.
    unsigned = sign_head(None, good.event_count, good.head_hash)
    assert verify_chain(engine, [("c", unsigned)], KEY).ok
    assert verify_chain(engine, [("a", forged)]).ok
    wrong = sign_head(None, good.event_count, "ab" * 32)
    assert [p.kind for p in verify_chain(engine, [("d", wrong)], KEY).problems] == [
        "anchor_mismatch"
    ]


def test_anchor_files_round_trip_and_never_overwrite(tmp_path: Path) -> None:
    anchor = sign_head(KEY, 7, "ab" * 32)
    path = write_anchor(anchor, tmp_path / "anchors")
    assert read_anchor(path) == anchor
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "anchors").stat().st_mode & 0o777 == 0o700
    with pytest.raises(FileExistsError):
        write_anchor(anchor, tmp_path / "anchors")


def test_the_key_comes_from_the_setting_or_a_file(tmp_path: Path) -> None:
    assert load_key("abc", None) == b"abc"
    (tmp_path / "k").write_bytes(b"from-file\n")
    assert load_key("", tmp_path / "k") == b"from-file"
    with pytest.raises(AuditKeyMissing, match="TERPADU_AUDIT_KEY"):
        load_key("", None)
    with pytest.raises(AuditKeyMissing) as missing:
        load_key("", tmp_path / "nope")
    assert missing.value.code == "audit_key_unreadable"


def test_an_edition_manifest_carries_the_signed_head(engine: Engine, tmp_path: Path) -> None:
    _log(engine, 2)
    info = publish_edition(engine, "2026-11", editions_dir=tmp_path / "ed", audit_key=KEY)
    manifest = info.path / "manifest.json"
    anchor = read_anchor(manifest)
    assert anchor.event_count == 2 and signature_ok(anchor, KEY)
    assert json.loads(manifest.read_text())["audit_anchor"]["head_hash"] == anchor.head_hash
    _rewind(engine, keep=1)
    report = verify_chain(engine, [("edisi 2026-11", anchor)], KEY)
    # The catalogue row and the manifest both name it (the manifest survives the database).
    assert [p.kind for p in report.problems] == ["rewound", "rewound"]


# -- the commands ------------------------------------------------------------------------

app = typer.Typer()
app.add_typer(audit_app, name="audit")
runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TERPADU_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'terpadu.db'}")
    monkeypatch.setenv("TERPADU_AUDIT_KEY", KEY.decode())
    (tmp_path / "var").mkdir()
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def test_anchor_then_verify_catches_the_rewind(workspace: Engine, tmp_path: Path) -> None:
    _log(workspace, 5)
    done = runner.invoke(app, ["audit", "anchor"])
    assert done.exit_code == 0, done.output
    printed = json.loads(done.output.strip().splitlines()[-1])
    assert printed["event_count"] == 5
    [kept] = (tmp_path / "var" / "audit" / "anchors").glob("anchor-*.json")
    assert json.loads(kept.read_text()) == printed
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "1 jangkar" in ok.output, ok.output
    _rewind(workspace, keep=2)
    caught = runner.invoke(app, ["audit", "verify"])
    assert caught.exit_code == 1
    assert "diputar mundur" in caught.output and "#3–#5" in caught.output


def test_a_copy_kept_elsewhere_is_checked_when_given(workspace: Engine, tmp_path: Path) -> None:
    _log(workspace, 3)
    line = runner.invoke(app, ["audit", "anchor"]).output.strip().splitlines()[-1]
    copy = tmp_path / "copy.json"
    copy.write_text(line)
    for kept in (tmp_path / "var" / "audit" / "anchors").glob("*.json"):
        kept.unlink()  # the folder was emptied too
    _rewind(workspace, keep=1)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    caught = runner.invoke(app, ["audit", "verify", "--anchor", str(copy)])
    assert caught.exit_code == 1 and "diputar mundur" in caught.output


def test_anchor_without_a_key_says_how_to_set_one(
    workspace: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERPADU_AUDIT_KEY", "")
    get_settings.cache_clear()
    refused = runner.invoke(app, ["audit", "anchor"])
    assert refused.exit_code == 1 and "TERPADU_AUDIT_KEY" in refused.output
