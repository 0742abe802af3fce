"""Import one batch (a keluarga file and an anggota file) into the registry.

read → map headers and codes → clean → check → land or quarantine. Every row
either lands or is reported with its file, row, column, value, code and
message. The same batch imported twice changes nothing; an interrupted import
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine

from terpadu.audit import common_region, record_event
from terpadu.files import (
    ROW,
    CleanTable,
    InputLimits,
    RawTable,
    clean_table,
    detect_format,
    file_digest,
    read_table,
    require_file,
)
from terpadu.intake import validate
from terpadu.intake.batches import (
    OpenBatch,
    batch_fingerprint,
    complete_batch,
    completed_batch,
    get_source,
    imported_before,
    open_batch,
)
from terpadu.intake.content import content_fingerprint, frame_digest
from terpadu.intake.issues import (
    family_reference_issues,
    keep_issue_rows,
    kept_membership_issues,
    memberships,
    quarantine_rows,
    stale_count,
    with_messages,
    with_stale,
    without_frame,
)
from terpadu.intake.load import (
    FAMILY_TABLE,
    PERSON_TABLE,
    QUARANTINE_TABLE,
    UpsertResult,
    lookup_keys,
    place_members,
    upsert,
)
from terpadu.intake.report import (
    FileReport,
    ImportReport,
    account,
    issue_report,
    landed_repairs,
    repair_report,
    warned,
)
from terpadu.layouts import ANGGOTA_COLUMNS, FAMILY_FIELDS, KELUARGA_COLUMNS, PERSON_FIELDS
from terpadu.store.bulk import (
    DEFAULT_CHUNK_ROWS,
    UnstorableText,
    allocate_ids,
    bulk_transaction,
    insert_new_rows,
    land_staged,
)
from terpadu.store.locks import Busy, hold_writer_lock

Progress = Callable[[str], None]
BUSY_WAITING = "batch ini sedang dimuat oleh proses lain; menunggu sampai selesai"
#: How many times an import calls its progress callback (one per stage).
PROGRESS_STEPS = 6
# Seconds an import waits for another import of its source (the import_wait_s setting).
DEFAULT_WAIT_S = 600.0


class AsOfInvalid(ValueError):
    """The date given for a batch's data cannot be read or lies in the future."""


def parse_as_of(text: str) -> dt.date:
    """The date a batch's data was collected: ``YYYY-MM-DD``, or a period ``YYYY-MM``
    (its last day: the data is as of the end of the period)."""
    value = text.strip()
    try:
        if len(value) == 7:
            first = dt.date.fromisoformat(f"{value}-01")
            return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise AsOfInvalid(
            f"tanggal data '{text}' tidak bisa dibaca; tulis TTTT-BB-HH (mis. 2026-11-30) "
            "atau periode TTTT-BB (mis. 2026-11)."
        ) from exc


class ImportBusy(Busy):
    """Another import of the same source held on for longer than this one would wait."""


def _wait_for_other_imports(conn: Connection, source: str, wait_s: float, say: Progress) -> None:
    def waiting() -> None:
        say(BUSY_WAITING)

    try:
        hold_writer_lock(conn, f"import:{source}", wait_s=wait_s, waiting=waiting)
    except Busy as exc:
        raise ImportBusy(
            f"batch ini sedang dimuat oleh proses lain (sumber '{source}'); sudah ditunggu "
            f"{wait_s:.0f} detik. Tidak ada yang diubah; ulangi setelah impor itu selesai."
        ) from exc


@contextmanager
def _named_file(path: Path) -> Iterator[None]:
    """A value the database cannot store, said with the file it came from."""
    try:
        yield
    except UnstorableText as exc:
        raise UnstorableText(f"{path.name}: {exc}") from exc


def _check_members(raw: RawTable, today: dt.date) -> tuple[CleanTable, list[pl.DataFrame]]:
    """Clean the anggota table and run the checks that need no database."""
    clean = clean_table(raw, ANGGOTA_COLUMNS, today)
    values = clean.values.with_columns(validate.person_source_keys(clean.values))
    clean = replace(clean, values=values)
    checks = [
        validate.duplicate_key_issues(values, "source_key", "ID_ANGGOTA", values["source_key"]),
        validate.nik_consistency_issues(values),
        validate.education_age_issues(values, today),
        validate.nik_duplicate_issues(values),
        raw.row_issues,
    ]
    return clean, checks


@dataclass(frozen=True)
class CheckedFamilies:
    """The keluarga file after cleaning and checks: what lands, its issues, the keys refused."""

    clean: CleanTable
    landed: pl.DataFrame
    issues: pl.DataFrame
    rejected_keys: pl.Series  # rejected family keys that landed under no other row


def _check_families(raw: RawTable, today: dt.date) -> CheckedFamilies:
    clean = clean_table(raw, KELUARGA_COLUMNS, today)
    key_header = next(h for h, c in clean.mapping.items() if c == "ID_KELUARGA")
    duplicates = validate.duplicate_key_issues(
        clean.values, "source_key", "ID_KELUARGA", clean.raw[key_header]
    )
    landed, issues = validate.accept(clean, [duplicates, raw.row_issues])
    rejected = (
        clean.values.filter(~pl.col(ROW).is_in(landed[ROW].implode()))["source_key"]
        .drop_nulls()
        .unique()
    )
    rejected = rejected.filter(~rejected.is_in(landed["source_key"].implode()))
    return CheckedFamilies(clean, landed, with_messages(issues), rejected)


def _check_as_of(as_of: dt.date | None, today: dt.date) -> None:
    if as_of is not None and as_of > today:
        raise AsOfInvalid(
            f"tanggal data (--as-of) {as_of.isoformat()} ada di masa depan; isi tanggal "
            "pengumpulan data kiriman ini."
        )


def _fingerprint(
    source: str,
    digests: list[str],
    keluarga_sheet: str | None,
    anggota_sheet: str | None,
    as_of: dt.date | None,
) -> str:
    # Named sheets are part of what was imported; without them the fingerprint stays as
    # it always was, so batches imported before are still recognised.
    sheets = [
        f"sheet:{role}:{name}"
        for role, name in (("keluarga", keluarga_sheet), ("anggota", anggota_sheet))
        if name
    ]
    # A stated date is part of what was sent: the same files with a new date are looked at again.
    dated = [f"as_of:{as_of.isoformat()}"] if as_of else []
    return batch_fingerprint(source, digests + sheets + dated)


def _member_families(
    conn: Connection,
    clean: CleanTable,
    checks: list[pl.DataFrame],
    families: CheckedFamilies,
    source_id: int,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The members that land and their issues, once each member's family is known: in this
    batch, or already in the registry from this source. Also the registry's families found."""
    batch_keys = families.landed["source_key"]
    wanted = clean.values["family_key"].drop_nulls().unique()
    wanted = wanted.filter(
        ~wanted.is_in(batch_keys.implode()) & ~wanted.is_in(families.rejected_keys.implode())
    )
    in_registry = lookup_keys(conn, FAMILY_TABLE, source_id, wanted, [])
    known = pl.concat([batch_keys, in_registry["source_key"]])
    checks.append(family_reference_issues(clean, known, families.rejected_keys))
    landed, issues = validate.accept(clean, checks)
    return landed, with_messages(issues), in_registry


#: Where each file's rows land: (table, fields, index of the file in the batch).
_LANDING = {"family": (FAMILY_TABLE, FAMILY_FIELDS, 0), "person": (PERSON_TABLE, PERSON_FIELDS, 1)}


def _upsert_file(
    conn: Connection,
    entity: str,
    landed: pl.DataFrame,
    batch: OpenBatch,
    path: Path,
    *,
    source_id: int,
    now: dt.datetime,
    as_of: dt.date | None,
    **options: Any,
) -> UpsertResult:
    """Upsert one file's landed rows; a value the database cannot store names the file."""
    table, fields, index = _LANDING[entity]
    with _named_file(path):
        return upsert(
            conn,
            table,
            landed,
            fields,
            source_id=source_id,
            batch_id=batch.batch_id,
            file_id=batch.file_ids[index],
            now=now,
            entity=entity,
            as_of=as_of,
            **options,
        )


def _load_persons(
    conn: Connection,
    pool: ThreadPoolExecutor,
    landed: pl.DataFrame,
    family_ids: pl.DataFrame,
    batch: OpenBatch,
    *,
    source_id: int,
    now: dt.datetime,
    as_of: dt.date | None,
    path: Path,
) -> tuple[UpsertResult, pl.DataFrame]:
    """Upsert the members; their memberships are joined on ``pool`` while the persons go in."""
    joined: list[Future[pl.DataFrame]] = []

    def join_memberships(person_ids: pl.DataFrame) -> None:
        joined.append(pool.submit(memberships, landed, person_ids, family_ids))

    persons = _upsert_file(
        conn,
        "person",
        landed,
        batch,
        path,
        source_id=source_id,
        now=now,
        as_of=as_of,
        extra_columns={"needs_civil_registration": pl.col("needs_civil_registration")},
        ids_known=join_memberships,
    )
    return persons, joined[0].result()


def _quarantine(
    conn: Connection,
    batch: OpenBatch,
    families: tuple[pl.DataFrame, CleanTable],
    members: tuple[pl.DataFrame, CleanTable],
) -> None:
    """Every issue row, with the whole input row for errors, into the quarantine table."""
    frames = [
        frame
        for frame in (
            quarantine_rows(*families, batch.batch_id, batch.file_ids[0], "ID_KELUARGA"),
            quarantine_rows(*members, batch.batch_id, batch.file_ids[1], "ID_ANGGOTA"),
        )
        if frame.height
    ]
    if frames:
        entries = pl.concat(frames, how="vertical_relaxed")
        ids = allocate_ids(conn, "quarantine", entries.height)
        insert_new_rows(conn, QUARANTINE_TABLE, entries.with_columns(ids.alias("id")))


def _record_import(
    conn: Connection,
    result: ImportReport,
    *,
    actor: str,
    regions: list[str],
    fingerprint: str,
    content: str,
    as_of: dt.date | None,
    stale_values_kept: int,
    raws: tuple[RawTable, RawTable],
) -> None:
    """The batch's audit event, in the batch's transaction."""
    assert result.batch_id is not None
    record_event(
        conn,
        actor=actor,
        action="import.batch",
        entity="batch",
        entity_id=result.batch_id,
        region=common_region(regions),
        before=None,
        after={
            "source": result.source,
            "fingerprint": fingerprint,
            "content_fingerprint": content,
            "as_of": as_of.isoformat() if as_of else None,
            "stale_values_kept": stale_values_kept,
            "files": [
                {
                    "role": r.role,
                    "name": r.path.name,
                    "sha256": raw.sha256,
                    "rows_read": r.rows_read,
                    "rows_landed": r.rows_landed,
                    "rows_rejected": r.rows_rejected,
                }
                for r, raw in zip(result.files, raws, strict=True)
            ],
            "families_new": result.families_new,
            "families_changed": result.families_changed,
            "persons_new": result.persons_new,
            "persons_changed": result.persons_changed,
        },
    )


def _row_digests(members: RawTable, families: RawTable) -> tuple[Future[str], str]:
    """The rows as read: the same batch saved again another way is recognised by them.
    The members' digest is taken on another thread while the families' is taken here."""
    side = ThreadPoolExecutor(max_workers=1)
    members_digest = side.submit(frame_digest, members.frame)
    side.shutdown(wait=False)
    return members_digest, frame_digest(families.frame)


def import_batch(
    engine: Engine,
    keluarga_path: Path,
    anggota_path: Path,
    *,
    source: str = "default",
    actor: str = "system",
    today: dt.date | None = None,
    progress: Progress | None = None,
    keluarga_sheet: str | None = None,
    anggota_sheet: str | None = None,
    wait_s: float = DEFAULT_WAIT_S,
    as_of: dt.date | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    limits: InputLimits | None = None,
) -> ImportReport:
    """Import a keluarga file and its anggota file as one batch from ``source``.

    ``keluarga_sheet``, ``anggota_sheet``: the XLSX sheets to read (default: the first);
    one workbook may hold both. While another import of ``source`` runs this one waits
    up to ``wait_s`` seconds (the faces pass the ``import_wait_s`` setting), then raises
    :class:`ImportBusy`. Rows are written ``chunk_rows`` per round trip (the faces pass the
    ``import_chunk_rows`` setting).

    ``as_of``: the date the batch's data was collected, when the sender knows it; a
    value the registry changed after that date is kept (as is, without a date, a
    value the registry already replaced: see :mod:`terpadu.intake.stale`).
    """
    say = progress or (lambda _msg: None)
    today = today or dt.date.today()
    _check_as_of(as_of, today)

    say(f"membaca {keluarga_path.name}")
    for path in (keluarga_path, anggota_path):
        require_file(path)
    digests = [file_digest(keluarga_path), file_digest(anggota_path)]
    fingerprint = _fingerprint(source, digests, keluarga_sheet, anggota_sheet, as_of)
    # The same files sent again: say so without reading a million rows first.
    done = imported_before(engine, source, fingerprint)
    if done is not None:
        files = [
            FileReport("keluarga", keluarga_path, detect_format(keluarga_path), None),
            FileReport("anggota", anggota_path, detect_format(anggota_path), None),
        ]
        return ImportReport(source, done, True, files)
    raw_k = read_table(
        keluarga_path, keluarga_sheet, sha256=digests[0], report_long_rows=True, limits=limits
    )
    say(f"membaca {anggota_path.name}")
    raw_a = read_table(
        anggota_path, anggota_sheet, sha256=digests[1], report_long_rows=True, limits=limits
    )
    members_digest, families_digest = _row_digests(raw_a, raw_k)

    say("memeriksa keluarga")
    checked_k = _check_families(raw_k, today)
    clean_k, landed_k, issues_k = checked_k.clean, checked_k.landed, checked_k.issues
    raw_k = without_frame(raw_k)  # the cleaned table holds what is still needed

    # Members are checked on another thread while the families load: polars
    # and the database driver both release the GIL, so the two cores share it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        say("memeriksa anggota")
        members_checked = pool.submit(_check_members, raw_a, today)

        reports = [
            FileReport("keluarga", keluarga_path, raw_k.file_format, raw_k.encoding),
            FileReport("anggota", anggota_path, raw_a.file_format, raw_a.encoding),
        ]
        now = dt.datetime.now(dt.UTC)
        content = content_fingerprint(source, [families_digest, members_digest.result()], as_of)
        with bulk_transaction(engine, staged=True, chunk_rows=chunk_rows) as conn:
            # One import per source at a time: a second waits here, then finds the
            # batch loaded (or loads against what the first one wrote).
            _wait_for_other_imports(conn, source, wait_s, say)
            source_id = get_source(conn, source)
            # Asked again under the transaction: another import may have finished meanwhile.
            done = completed_batch(conn, source_id, fingerprint, content)
            if done is not None:
                return ImportReport(source, done, True, reports)
            batch = open_batch(
                conn,
                source_id=source_id,
                fingerprint=fingerprint,
                content=content,
                as_of=as_of,
                actor=actor,
                now=now,
                files=(raw_k, raw_a),
            )

            say(f"memuat {landed_k.height} keluarga")
            families = _upsert_file(
                conn,
                "family",
                landed_k,
                batch,
                keluarga_path,
                source_id=source_id,
                now=now,
                as_of=as_of,
            )
            issues_k = with_stale(issues_k, families.stale)
            # The families are copied in while the members are still being checked.
            land_staged(conn)
            clean_a, person_checks = members_checked.result()
            raw_a = without_frame(raw_a)
            landed_a, issues_a, in_registry = _member_families(
                conn, clean_a, person_checks, checked_k, source_id
            )
            account(reports[0], clean_k, landed_k, issues_k)
            account(reports[1], clean_a, landed_a, issues_a)
            repairs = (landed_repairs(clean_k, landed_k), landed_repairs(clean_a, landed_a))
            # From here on only the landed rows and the rows with issues are needed:
            # let go of the rest (a million-row batch is a few hundred MB of text).
            del checked_k
            clean_k = keep_issue_rows(clean_k, issues_k)
            clean_a = keep_issue_rows(clean_a, issues_a)
            family_ids = pl.concat([families.ids, in_registry.select("source_key", "id")])

            say(f"memuat {landed_a.height} anggota")
            landed_a = landed_a.with_columns(
                pl.col("nik").is_null().cast(pl.Int16).alias("needs_civil_registration")
            )
            persons, members = _load_persons(
                conn,
                pool,
                landed_a,
                family_ids,
                batch,
                source_id=source_id,
                now=now,
                as_of=as_of,
                path=anggota_path,
            )
            issues_a = with_stale(issues_a, persons.stale)
            reports[1].rows_warned = warned(landed_a, issues_a)
            kept = place_members(
                conn,
                members.select("person_id", "family_id", "hub_keluarga"),
                batch_id=batch.batch_id,
                now=now,
                known_person_ids=persons.existing_ids,
                as_of=as_of,
            )
            if kept.height:
                issues_a = with_stale(issues_a, kept_membership_issues(members, kept))
                reports[1].rows_warned = warned(landed_a, issues_a)

            _quarantine(conn, batch, (issues_k, clean_k), (issues_a, clean_a))
            result = ImportReport(
                source,
                batch.batch_id,
                False,
                reports,
                families_new=families.new,
                families_changed=families.changed,
                persons_new=persons.new,
                persons_changed=persons.changed,
                persons_without_nik=int(landed_a["needs_civil_registration"].sum()),
            )
            complete_batch(conn, batch, result)
            _record_import(
                conn,
                result,
                actor=actor,
                regions=landed_k["kode_wilayah"].unique().to_list(),
                fingerprint=fingerprint,
                content=content,
                as_of=as_of,
                stale_values_kept=stale_count(issues_k) + stale_count(issues_a),
                raws=(raw_k, raw_a),
            )
    result.issues = issue_report(issues_k, issues_a, keluarga_path, anggota_path)
    result.repairs = repair_report(*repairs, keluarga_path, anggota_path)
    return result


__all__ = [
    "AsOfInvalid",
    "FileReport",
    "ImportBusy",
    "ImportReport",
    "import_batch",
    "parse_as_of",
]
