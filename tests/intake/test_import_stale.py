"""Older data never overwrites newer: re-saved batches, approved corrections, dated batches.

Both databases. The registry is the good batch of ``batches.py``; a province
approves a new address for K1 through verval; then old data comes in again.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from batches import ANGGOTA_HEADER, GOOD_ANGGOTA, GOOD_KELUARGA, KELUARGA_HEADER
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import CONFIG, KAB, OPERATOR, PROV, load_registry

from terpadu.intake import import_batch
from terpadu.store import Batch, Family, QuarantineEntry, ValueChange
from terpadu.store.integrity import check_integrity
from terpadu.verval import create_proposal
from terpadu.verval.decisions import approve, submit, verify

TODAY = dt.date(2026, 11, 22)  # the day the registry's batch is imported (verval_helpers)
NEW_ADDRESS = "Kp. Baru Indah"
NEW_MEMBER = "A5,K1,3604055507950005,Dewi Lestari,2,1995-07-15,4"
ORPHAN = "A6,K9,,Tanpa Keluarga,1,2000-01-01,4"  # a problem in the other file too


@pytest.fixture(autouse=True)
def registry_stays_sound(engine: Engine) -> Iterator[None]:
    yield
    assert check_integrity(engine) == []


def approved_address(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """The registry, with K1's new address approved by the province."""
    ids = load_registry(engine, tmp_path)
    pid = create_proposal(
        engine, OPERATOR, "koreksi", family_id=ids["K1"], values={"alamat": NEW_ADDRESS}
    )
    submit(engine, OPERATOR, pid, config=CONFIG)
    verify(engine, KAB, pid, config=CONFIG)
    approve(engine, PROV, pid, config=CONFIG)
    return ids


def address(engine: Engine, family_id: int) -> str | None:
    with Session(engine) as session:
        family = session.get(Family, family_id)
        assert family is not None
        return family.alamat


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def resaved(
    folder: Path,
    *,
    newline: str = "\n",
    encoding: str = "utf-8",
    order: list[int] | None = None,
    anggota: list[str] = GOOD_ANGGOTA,
    keluarga: list[str] = GOOD_KELUARGA,
) -> tuple[Path, Path]:
    """The good batch saved again: other line endings, encoding, column order."""
    folder.mkdir(parents=True, exist_ok=True)

    def write(path: Path, header: str, rows: list[str]) -> Path:
        lines = [header.split(","), *(r.split(",") for r in rows)]
        if order is not None:
            lines = [[line[i] for i in order] + line[len(order) :] for line in lines]
        path.write_bytes((newline.join(",".join(v) for v in lines) + newline).encode(encoding))
        return path

    return (
        write(folder / "keluarga.csv", KELUARGA_HEADER, keluarga),
        write(folder / "anggota.csv", ANGGOTA_HEADER, anggota),
    )


def test_the_same_batch_resaved_with_crlf_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    ids = approved_address(engine, tmp_path)
    batches = count(engine, Batch)
    report = import_batch(engine, *resaved(tmp_path / "crlf", newline="\r\n"), today=TODAY)
    assert report.already_imported and report.families_changed == 0
    assert address(engine, ids["K1"]) == NEW_ADDRESS
    assert count(engine, Batch) == batches


@pytest.mark.parametrize(
    "how",
    [
        {"order": [3, 0, 2, 1]},  # columns moved
        {"encoding": "cp1252", "newline": "\r\n"},  # as Excel on Windows saves it
        {"order": [2, 1, 0], "encoding": "cp1252"},
    ],
    ids=["column-order", "windows-1252-crlf", "both"],
)
def test_the_same_content_saved_another_way_is_recognised(
    engine: Engine, tmp_path: Path, how: dict[str, object]
) -> None:
    ids = approved_address(engine, tmp_path)
    first = import_batch(engine, *resaved(tmp_path / "again", **how), today=TODAY)  # type: ignore[arg-type]
    assert first.already_imported, "the same rows must be recognised"
    assert address(engine, ids["K1"]) == NEW_ADDRESS


def test_rows_in_another_order_are_the_same_content(engine: Engine, tmp_path: Path) -> None:
    ids = approved_address(engine, tmp_path)
    shuffled = resaved(
        tmp_path / "shuffled",
        keluarga=GOOD_KELUARGA[::-1],
        anggota=[GOOD_ANGGOTA[i] for i in (2, 0, 3, 1)],
    )
    assert import_batch(engine, *shuffled, today=TODAY).already_imported
    assert address(engine, ids["K1"]) == NEW_ADDRESS


def test_an_old_row_in_a_new_batch_keeps_the_approved_value_and_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    """The old file with one member more: not the same content, but K1's old address is
    one the registry replaced: kept, with a warning on K1's row."""
    ids = approved_address(engine, tmp_path)
    changes_before = count(engine, ValueChange)
    report = import_batch(
        engine,
        *resaved(tmp_path / "more", newline="\r\n", anggota=[*GOOD_ANGGOTA, NEW_MEMBER, ORPHAN]),
        today=TODAY,
    )
    assert report.issues.filter(report.issues["code"] == "family_not_found").height == 1
    assert not report.already_imported
    assert report.persons_new == 1 and report.families_changed == 0
    assert address(engine, ids["K1"]) == NEW_ADDRESS
    assert count(engine, ValueChange) == changes_before
    stale = report.issues.filter(report.issues["code"] == "stale_value_kept")
    assert stale.select("file", "__row", "column", "value", "severity").rows() == [
        ("keluarga.csv", 2, "ALAMAT", "Kp. Baru", "warning")
    ]
    message = stale["message"][0]
    assert "usulan disetujui" in message and "tidak diubah" in message
    assert report.files[0].rows_warned == 1
    with Session(engine) as session:
        kept = session.scalars(
            select(QuarantineEntry).where(QuarantineEntry.code == "stale_value_kept")
        ).one()
        assert (kept.record_key, kept.row_number, kept.column_name) == ("K1", 2, "ALAMAT")


def test_a_batch_dated_after_the_approval_changes_the_value(engine: Engine, tmp_path: Path) -> None:
    ids = approved_address(engine, tmp_path)
    today = dt.date.today()  # the approval was made today (now)
    report = import_batch(engine, *resaved(tmp_path / "new"), today=today, as_of=today)
    assert not report.already_imported and report.families_changed == 1
    assert address(engine, ids["K1"]) == "Kp. Baru"
    assert not report.issues.filter(report.issues["code"] == "stale_value_kept").height


def test_a_batch_dated_before_the_approval_keeps_the_newer_value(
    engine: Engine, tmp_path: Path
) -> None:
    ids = approved_address(engine, tmp_path)
    before = dt.date.today() - dt.timedelta(days=30)
    report = import_batch(engine, *resaved(tmp_path / "old"), today=dt.date.today(), as_of=before)
    assert report.families_changed == 0
    assert address(engine, ids["K1"]) == NEW_ADDRESS
    stale = report.issues.filter(report.issues["code"] == "stale_value_kept")
    assert stale["column"].to_list() == ["ALAMAT"]
    assert f"per {before.isoformat()}" in stale["message"][0]


def test_an_older_dated_batch_does_not_undo_a_newer_dated_one(
    engine: Engine, tmp_path: Path
) -> None:
    """Between batches of one source: the October data arrives after the November data."""
    october = resaved(tmp_path / "oktober")
    november = resaved(
        tmp_path / "november",
        keluarga=[GOOD_KELUARGA[0].replace("Kp. Baru", "Jl. Melati 3"), GOOD_KELUARGA[1]],
    )
    import_batch(engine, *november, today=TODAY, as_of=dt.date(2026, 11, 15))
    late = import_batch(engine, *october, today=TODAY, as_of=dt.date(2026, 10, 1))
    assert late.families_changed == 0
    with Session(engine) as session:
        alamat = session.scalars(select(Family.alamat).where(Family.source_key == "K1")).one()
    assert alamat == "Jl. Melati 3"
    stale = late.issues.filter(late.issues["code"] == "stale_value_kept")
    assert stale["column"].to_list() == ["ALAMAT"]
    assert "batch" in stale["message"][0] and "2026-11-15" in stale["message"][0]


def test_a_date_in_the_future_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="masa depan"):
        import_batch(
            engine, *resaved(tmp_path / "x"), today=TODAY, as_of=TODAY + dt.timedelta(days=1)
        )


def test_partly_stale_rows_change_only_their_newer_fields(engine: Engine, tmp_path: Path) -> None:
    """K1's old address with a new RT: the RT changes, the address stays."""
    ids = approved_address(engine, tmp_path)
    changed_rt = GOOD_KELUARGA[0].replace(",001,002,", ",009,002,")
    report = import_batch(
        engine, *resaved(tmp_path / "rt", keluarga=[changed_rt, GOOD_KELUARGA[1]]), today=TODAY
    )
    assert report.families_changed == 1
    with Session(engine) as session:
        family = session.get(Family, ids["K1"])
        assert family is not None
        assert (family.alamat, family.rt) == (NEW_ADDRESS, "009")


def current_family(engine: Engine, person_key: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text(
                    "SELECT f.source_key FROM membership m JOIN person p ON p.id = m.person_id "
                    "JOIN family f ON f.id = m.family_id "
                    "WHERE p.source_key = :k AND m.left_at IS NULL"
                ),
                {"k": person_key},
            ).scalar_one()
        )


MOVED = [GOOD_ANGGOTA[0], GOOD_ANGGOTA[1], "A3,K2,,Budi,1,2010-01-01,3", GOOD_ANGGOTA[3]]


@pytest.mark.parametrize("dated", [False, True], ids=["by-content", "by-date"])
def test_an_older_batch_does_not_move_a_member_back(
    engine: Engine, tmp_path: Path, dated: bool
) -> None:
    """Budi moved from K1 to K2 in a later batch; the old rows come again (with a member
    more, so not the same content): he stays in K2, and his row says why."""
    october, november = dt.date(2026, 10, 1), dt.date(2026, 11, 15)
    import_batch(engine, *resaved(tmp_path / "okt"), today=TODAY, as_of=october if dated else None)
    import_batch(
        engine,
        *resaved(tmp_path / "nov", anggota=MOVED),
        today=TODAY,
        as_of=november if dated else None,
    )
    assert current_family(engine, "A3") == "K2"
    late = import_batch(
        engine,
        *resaved(tmp_path / "okt-lagi", anggota=[*GOOD_ANGGOTA, NEW_MEMBER]),
        today=TODAY,
        as_of=october if dated else None,
    )
    assert late.persons_new == 1
    assert current_family(engine, "A3") == "K2"
    stale = late.issues.filter(late.issues["code"] == "stale_value_kept")
    assert stale.select("__row", "column", "value").rows() == [(4, "ID_KELUARGA", "K1")]
    assert "keanggotaan" in stale["message"][0]
