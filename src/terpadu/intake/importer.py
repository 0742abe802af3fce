"""Import one batch (a keluarga file and an anggota file) into the registry.

read → map headers and codes → clean → check → land or quarantine. Every row
either lands or is reported with its file, row, column, value, code and
message. The same batch imported twice changes nothing; an interrupted import
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, Insert, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from terpadu.audit import common_region, record_event
from terpadu.files import (
    REPAIRED,
    ROW,
    CleanTable,
    RawTable,
    clean_table,
    detect_format,
    file_digest,
    read_table,
    require_file,
)
from terpadu.intake import validate
from terpadu.intake.content import content_fingerprint, frame_digest
from terpadu.intake.load import (
    FAMILY_TABLE,
    PERSON_TABLE,
    QUARANTINE_TABLE,
    lookup_keys,
    place_members,
    upsert,
)
from terpadu.intake.messages import message
from terpadu.intake.stale import STALE_CODE
from terpadu.layouts import ANGGOTA_COLUMNS, FAMILY_FIELDS, KELUARGA_COLUMNS, PERSON_FIELDS
from terpadu.settings import get_settings
from terpadu.store.bulk import (
    UnstorableText,
    allocate_ids,
    bulk_transaction,
    insert_new_rows,
    land_staged,
    utc_now,
)
from terpadu.store.locks import Busy, hold_writer_lock
from terpadu.store.models import Batch, BatchFile, Source

Progress = Callable[[str], None]
BUSY_WAITING = "batch ini sedang dimuat oleh proses lain; menunggu sampai selesai"
#: How many times an import calls its progress callback (one per stage).
PROGRESS_STEPS = 6


@dataclass
class FileReport:
    """Row accounting for one file: read = landed + rejected."""

    role: str
    path: Path
    file_format: str
    encoding: str | None
    rows_read: int = 0
    rows_landed: int = 0
    rows_repaired: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0


@dataclass
class ImportReport:
    """What an import did, for the operator and for tests."""

    source: str
    batch_id: int | None
    already_imported: bool
    files: list[FileReport]
    families_new: int = 0
    families_changed: int = 0
    persons_new: int = 0
    persons_changed: int = 0
    persons_without_nik: int = 0
    issues: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def _fingerprint(source: str, file_digests: list[str]) -> str:
    digest = hashlib.sha256(source.encode())
    for sha in file_digests:
        digest.update(b"\0" + sha.encode())
    return digest.hexdigest()


def _imported_before(engine: Engine, source: str, fingerprint: str) -> int | None:
    """The completed batch of these very files from ``source``, looked up before reading them."""
    with engine.connect() as conn:
        source_id = _find_source(conn, source)
        return None if source_id is None else _completed_batch(conn, source_id, fingerprint)


def _insert_id(conn: Connection, statement: Insert) -> int:
    """Run an INSERT of one row and return its new primary key."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _find_source(conn: Connection, name: str) -> int | None:
    table = Source.__table__
    found = conn.execute(select(table.c.id).where(table.c.name == name)).scalar()
    return None if found is None else int(found)


def _get_source(conn: Connection, name: str) -> int:
    """The source's id, registering it if new; another process registering the same
    name at the same moment is no error (the insert does nothing, the select finds it)."""
    found = _find_source(conn, name)
    if found is not None:
        return found
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(Source).values(name=name, created_at=utc_now()).on_conflict_do_nothing()
    )
    found = _find_source(conn, name)
    assert found is not None
    return found


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


def _completed_batch(
    conn: Connection, source_id: int, fingerprint: str, content: str | None = None
) -> int | None:
    """The completed batch from ``source_id`` with these files, or (``content``) these rows."""
    table = Batch.__table__
    same = table.c.fingerprint == fingerprint
    if content is not None:
        same = or_(same, table.c.content_fingerprint == content)
    found = conn.execute(
        select(table.c.id)
        .where(table.c.source_id == source_id, same, table.c.status == "completed")
        .order_by(table.c.id)
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def _account(
    report: FileReport, clean: CleanTable, landed: pl.DataFrame, issues: pl.DataFrame
) -> None:
    report.rows_read = clean.values.height
    report.rows_landed = landed.height
    report.rows_rejected = report.rows_read - report.rows_landed
    report.rows_repaired = int(landed[REPAIRED].sum())
    report.rows_warned = _warned(landed, issues)


def _warned(landed: pl.DataFrame, issues: pl.DataFrame) -> int:
    """Landed rows with at least one warning."""
    warned = issues.filter(pl.col("severity") == "warning")[ROW].unique()
    return landed.filter(pl.col(ROW).is_in(warned.implode())).height


def _stale_count(issues: pl.DataFrame) -> int:
    return issues.filter(pl.col("code") == STALE_CODE).height if issues.height else 0


def _with_stale(issues: pl.DataFrame, stale: pl.DataFrame) -> pl.DataFrame:
    """The file's issues and the warnings for values kept because the registry's are newer."""
    if stale.height == 0:
        return issues
    return pl.concat([issues, stale], how="diagonal_relaxed")


def _quarantine_rows(
    issues: pl.DataFrame, clean: CleanTable, batch_id: int, file_id: int, key_column: str | None
) -> pl.DataFrame:
    """Issue rows with their message; error rows carry the whole input row."""
    if issues.height == 0:
        return pl.DataFrame()
    raw = clean.raw
    headers = [h for h in raw.columns if h != ROW]
    error_rows = issues.filter(pl.col("severity") == "error")[ROW].unique()
    raw_json = raw.filter(pl.col(ROW).is_in(error_rows.implode())).select(
        pl.col(ROW), pl.struct(headers).struct.json_encode().alias("raw")
    )
    key_header = next((h for h, c in clean.mapping.items() if c == key_column), None)
    keys = raw.select(
        pl.col(ROW),
        (pl.col(key_header) if key_header else pl.lit(None, dtype=pl.Utf8)).alias("__raw_key"),
    )
    if "record_key" not in issues.columns:  # stale-value warnings bring their record's key
        issues = issues.with_columns(pl.lit(None, dtype=pl.Utf8).alias("record_key"))
    return (
        issues.join(raw_json, on=ROW, how="left")
        .join(keys, on=ROW, how="left")
        .with_columns(pl.coalesce("__raw_key", "record_key").alias("record_key"))
        .select(
            pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
            pl.lit(file_id, dtype=pl.Int64).alias("file_id"),
            pl.col(ROW).alias("row_number"),
            pl.col("record_key"),
            pl.col("column").alias("column_name"),
            pl.col("value"),
            pl.col("severity"),
            pl.col("code"),
            pl.col("message"),
            pl.col("raw"),
        )
    )


def _keep_issue_rows(clean: CleanTable, issues: pl.DataFrame) -> CleanTable:
    rows = issues[ROW].unique().implode()
    return replace(
        clean, values=clean.values.clear(), raw=clean.raw.filter(pl.col(ROW).is_in(rows))
    )


def _without_frame(raw: RawTable) -> RawTable:
    return replace(raw, frame=pl.DataFrame())


def with_messages(issues: pl.DataFrame) -> pl.DataFrame:
    """Each issue with its operator message (formatted once per distinct code, column, value)."""
    keys = issues.select("code", "column", "value").unique()
    texts = [message(c, col, v) for c, col, v in keys.iter_rows()]
    return issues.join(
        keys.with_columns(pl.Series("message", texts, dtype=pl.Utf8)),
        on=["code", "column", "value"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )


def _check_members(raw: RawTable, today: dt.date) -> tuple[CleanTable, list[pl.DataFrame]]:
    """Clean the anggota table and run the checks that need no database."""
    clean = clean_table(raw, ANGGOTA_COLUMNS, today)
    values = clean.values.with_columns(validate.person_source_keys(clean.values))
    clean = CleanTable(values, clean.issues, clean.raw, clean.mapping, clean.extra_columns)
    checks = [
        validate.duplicate_key_issues(values, "source_key", "ID_ANGGOTA", values["source_key"]),
        validate.nik_consistency_issues(values),
        validate.education_age_issues(values, today),
        validate.nik_duplicate_issues(values),
        raw.row_issues,
    ]
    return clean, checks


def _memberships(
    landed: pl.DataFrame, person_ids: pl.DataFrame, family_ids: pl.DataFrame
) -> pl.DataFrame:
    """(person_id, family_id, hub_keluarga) of every landed member, with its row and keys."""
    return (
        landed.select(ROW, "source_key", "family_key", "hub_keluarga")
        .join(person_ids.rename({"id": "person_id"}), on="source_key")
        .join(family_ids.rename({"source_key": "family_key", "id": "family_id"}), on="family_key")
        .select("person_id", "family_id", "hub_keluarga", ROW, "source_key", "family_key")
    )


def _kept_membership_issues(members: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """A warning on the row of each member the batch would have moved back."""
    return kept.join(members, on="person_id").select(
        pl.col(ROW),
        pl.lit("ID_KELUARGA").alias("column"),
        pl.col("family_key").alias("value"),
        pl.lit("warning").alias("severity"),
        pl.lit(STALE_CODE).alias("code"),
        pl.concat_str(pl.col("message"), pl.lit(" (keanggotaan keluarga)")).alias("message"),
        pl.col("source_key").alias("record_key"),
    )


def _family_reference_issues(
    clean: CleanTable, known: pl.Series, rejected_keys: pl.Series
) -> pl.DataFrame:
    """Members whose family was rejected in this batch, or is nowhere to be found."""
    values = clean.values
    orphans = values.filter(
        pl.col("family_key").is_not_null() & ~pl.col("family_key").is_in(known.implode())
    )
    family_header = next(h for h, c in clean.mapping.items() if c == "ID_KELUARGA")
    orphan_raw = clean.raw.filter(pl.col(ROW).is_in(orphans[ROW].implode()))[family_header]
    rejected_family = orphans["family_key"].is_in(rejected_keys.implode())
    return pl.concat(
        [
            validate.issues_frame(
                orphans.filter(rejected_family)[ROW],
                "ID_KELUARGA",
                orphan_raw.filter(rejected_family),
                "error",
                "family_rejected",
            ),
            validate.issues_frame(
                orphans.filter(~rejected_family)[ROW],
                "ID_KELUARGA",
                orphan_raw.filter(~rejected_family),
                "error",
                "family_not_found",
            ),
        ]
    )


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
    wait_s: float | None = None,
    as_of: dt.date | None = None,
) -> ImportReport:
    """Import a keluarga file and its anggota file as one batch from ``source``.

    ``keluarga_sheet``, ``anggota_sheet``: the XLSX sheets to read (default: the first);
    one workbook may hold both. While another import of ``source`` runs this one waits
    up to ``wait_s`` seconds (default: the ``import_wait_s`` setting), then raises
    :class:`ImportBusy`.

    ``as_of``: the date the batch's data was collected, when the sender knows it; a
    value the registry changed after that date is kept (as is, without a date, a
    value the registry already replaced: see :mod:`terpadu.intake.stale`).
    """
    say = progress or (lambda _msg: None)
    if wait_s is None:
        wait_s = get_settings().import_wait_s
    today = today or dt.date.today()
    if as_of is not None and as_of > today:
        raise AsOfInvalid(
            f"tanggal data (--as-of) {as_of.isoformat()} ada di masa depan; isi tanggal "
            "pengumpulan data kiriman ini."
        )

    say(f"membaca {keluarga_path.name}")
    for path in (keluarga_path, anggota_path):
        require_file(path)
    digests = [file_digest(keluarga_path), file_digest(anggota_path)]
    # Named sheets are part of what was imported; without them the fingerprint stays as
    # it always was, so batches imported before are still recognised.
    sheets = [
        f"sheet:{role}:{name}"
        for role, name in (("keluarga", keluarga_sheet), ("anggota", anggota_sheet))
        if name
    ]
    # A stated date is part of what was sent: the same files with a new date are looked at again.
    dated = [f"as_of:{as_of.isoformat()}"] if as_of else []
    fingerprint = _fingerprint(source, digests + sheets + dated)
    # The same files sent again: say so without reading a million rows first.
    done = _imported_before(engine, source, fingerprint)
    if done is not None:
        return ImportReport(
            source,
            done,
            True,
            [
                FileReport("keluarga", keluarga_path, detect_format(keluarga_path), None),
                FileReport("anggota", anggota_path, detect_format(anggota_path), None),
            ],
        )
    raw_k = read_table(keluarga_path, keluarga_sheet, sha256=digests[0], report_long_rows=True)
    say(f"membaca {anggota_path.name}")
    raw_a = read_table(anggota_path, anggota_sheet, sha256=digests[1], report_long_rows=True)
    # The rows as read: the same batch saved again another way is recognised by them.
    # The members' digest is taken on another thread while the families are checked.
    side = ThreadPoolExecutor(max_workers=1)
    members_digest = side.submit(frame_digest, raw_a.frame)
    side.shutdown(wait=False)
    families_digest = frame_digest(raw_k.frame)

    say("memeriksa keluarga")
    clean_k = clean_table(raw_k, KELUARGA_COLUMNS, today)
    key_header = next(h for h, c in clean_k.mapping.items() if c == "ID_KELUARGA")
    dup_k = validate.duplicate_key_issues(
        clean_k.values, "source_key", "ID_KELUARGA", clean_k.raw[key_header]
    )
    landed_k, issues_k = validate.accept(clean_k, [dup_k, raw_k.row_issues])
    issues_k = with_messages(issues_k)
    raw_k = _without_frame(raw_k)  # the cleaned table holds what is still needed
    # Family keys of this batch that were rejected (and landed under no other row).
    rejected_keys = (
        clean_k.values.filter(~pl.col(ROW).is_in(landed_k[ROW].implode()))["source_key"]
        .drop_nulls()
        .unique()
    )
    rejected_keys = rejected_keys.filter(~rejected_keys.is_in(landed_k["source_key"].implode()))

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
        with bulk_transaction(engine, staged=True) as conn:
            # One import per source at a time: a second waits here, then finds the
            # batch loaded (or loads against what the first one wrote).
            _wait_for_other_imports(conn, source, wait_s, say)
            source_id = _get_source(conn, source)
            # Asked again under the transaction: another import may have finished meanwhile.
            done = _completed_batch(conn, source_id, fingerprint, content)
            if done is not None:
                return ImportReport(source, done, True, reports)
            batch_id = _insert_id(
                conn,
                insert(Batch).values(
                    source_id=source_id,
                    fingerprint=fingerprint,
                    content_fingerprint=content,
                    as_of=as_of,
                    status="running",
                    actor=actor,
                    started_at=now,
                ),
            )
            file_ids = []
            for role, raw in (("keluarga", raw_k), ("anggota", raw_a)):
                file_ids.append(
                    _insert_id(
                        conn,
                        insert(BatchFile).values(
                            batch_id=batch_id,
                            role=role,
                            file_name=raw.path.name,
                            sha256=raw.sha256,
                            size_bytes=raw.size_bytes,
                            file_format=raw.file_format,
                            encoding=raw.encoding,
                        ),
                    )
                )

            say(f"memuat {landed_k.height} keluarga")
            with _named_file(keluarga_path):
                families = upsert(
                    conn,
                    FAMILY_TABLE,
                    landed_k,
                    FAMILY_FIELDS,
                    source_id=source_id,
                    batch_id=batch_id,
                    file_id=file_ids[0],
                    now=now,
                    entity="family",
                    as_of=as_of,
                )
            issues_k = _with_stale(issues_k, families.stale)
            # The families are copied in while the members are still being checked.
            land_staged(conn)
            clean_a, person_checks = members_checked.result()
            raw_a = _without_frame(raw_a)
            values_a = clean_a.values
            # Members' families: in this batch, or already in the registry from this source.
            batch_keys = landed_k["source_key"]
            wanted = values_a["family_key"].drop_nulls().unique()
            wanted = wanted.filter(
                ~wanted.is_in(batch_keys.implode()) & ~wanted.is_in(rejected_keys.implode())
            )
            in_registry = lookup_keys(conn, FAMILY_TABLE, source_id, wanted, [])
            known = pl.concat([batch_keys, in_registry["source_key"]])
            person_checks.append(_family_reference_issues(clean_a, known, rejected_keys))
            landed_a, issues_a = validate.accept(clean_a, person_checks)
            issues_a = with_messages(issues_a)
            _account(reports[0], clean_k, landed_k, issues_k)
            _account(reports[1], clean_a, landed_a, issues_a)
            # From here on only the landed rows and the rows with issues are needed:
            # let go of the rest (a million-row batch is a few hundred MB of text).
            del values_a
            clean_k = _keep_issue_rows(clean_k, issues_k)
            clean_a = _keep_issue_rows(clean_a, issues_a)
            family_ids = pl.concat([families.ids, in_registry.select("source_key", "id")])

            say(f"memuat {landed_a.height} anggota")
            landed_a = landed_a.with_columns(
                pl.col("nik").is_null().cast(pl.Int16).alias("needs_civil_registration")
            )
            # The memberships are joined on the other thread while the persons go in.
            memberships: list[Future[pl.DataFrame]] = []

            def join_memberships(person_ids: pl.DataFrame) -> None:
                memberships.append(pool.submit(_memberships, landed_a, person_ids, family_ids))

            with _named_file(anggota_path):
                persons = upsert(
                    conn,
                    PERSON_TABLE,
                    landed_a,
                    PERSON_FIELDS,
                    source_id=source_id,
                    batch_id=batch_id,
                    file_id=file_ids[1],
                    now=now,
                    entity="person",
                    extra_columns={"needs_civil_registration": pl.col("needs_civil_registration")},
                    ids_known=join_memberships,
                    as_of=as_of,
                )
            issues_a = _with_stale(issues_a, persons.stale)
            reports[1].rows_warned = _warned(landed_a, issues_a)
            members = memberships[0].result()
            kept = place_members(
                conn,
                members.select("person_id", "family_id", "hub_keluarga"),
                batch_id=batch_id,
                now=now,
                known_person_ids=persons.existing_ids,
                as_of=as_of,
            )
            if kept.height:
                issues_a = _with_stale(issues_a, _kept_membership_issues(members, kept))
                reports[1].rows_warned = _warned(landed_a, issues_a)

            quarantine = [
                frame
                for frame in (
                    _quarantine_rows(issues_k, clean_k, batch_id, file_ids[0], "ID_KELUARGA"),
                    _quarantine_rows(issues_a, clean_a, batch_id, file_ids[1], "ID_ANGGOTA"),
                )
                if frame.height
            ]
            if quarantine:
                entries = pl.concat(quarantine, how="vertical_relaxed")
                ids = allocate_ids(conn, "quarantine", entries.height)
                insert_new_rows(conn, QUARANTINE_TABLE, entries.with_columns(ids.alias("id")))

            for report, file_id in zip(reports, file_ids, strict=True):
                conn.execute(
                    update(BatchFile)
                    .where(BatchFile.id == file_id)
                    .values(
                        rows_read=report.rows_read,
                        rows_landed=report.rows_landed,
                        rows_repaired=report.rows_repaired,
                        rows_rejected=report.rows_rejected,
                        rows_warned=report.rows_warned,
                    )
                )
            result = ImportReport(
                source,
                batch_id,
                False,
                reports,
                families_new=families.new,
                families_changed=families.changed,
                persons_new=persons.new,
                persons_changed=persons.changed,
                persons_without_nik=int(landed_a["needs_civil_registration"].sum()),
            )
            conn.execute(
                update(Batch)
                .where(Batch.id == batch_id)
                .values(
                    status="completed",
                    finished_at=dt.datetime.now(dt.UTC),
                    rows_read=result.rows_read,
                    rows_landed=sum(r.rows_landed for r in reports),
                    rows_repaired=sum(r.rows_repaired for r in reports),
                    rows_rejected=result.rows_rejected,
                    families_new=families.new,
                    families_changed=families.changed,
                    persons_new=persons.new,
                    persons_changed=persons.changed,
                )
            )
            record_event(
                conn,
                actor=actor,
                action="import.batch",
                entity="batch",
                entity_id=batch_id,
                region=common_region(landed_k["kode_wilayah"].unique().to_list()),
                before=None,
                after={
                    "source": source,
                    "fingerprint": fingerprint,
                    "content_fingerprint": content,
                    "as_of": as_of.isoformat() if as_of else None,
                    "stale_values_kept": _stale_count(issues_k) + _stale_count(issues_a),
                    "files": [
                        {
                            "role": r.role,
                            "name": r.path.name,
                            "sha256": raw.sha256,
                            "rows_read": r.rows_read,
                            "rows_landed": r.rows_landed,
                            "rows_rejected": r.rows_rejected,
                        }
                        for r, raw in zip(reports, (raw_k, raw_a), strict=True)
                    ],
                    "families_new": families.new,
                    "families_changed": families.changed,
                    "persons_new": persons.new,
                    "persons_changed": persons.changed,
                },
            )
    result.issues = _issue_report(issues_k, issues_a, keluarga_path, anggota_path)
    return result


def _issue_report(
    issues_k: pl.DataFrame, issues_a: pl.DataFrame, path_k: Path, path_a: Path
) -> pl.DataFrame:
    frames = []
    for issues, path in ((issues_k, path_k), (issues_a, path_a)):
        if issues.height:
            frames.append(
                issues.with_columns(pl.lit(path.name).alias("file")).select(
                    "file", ROW, "column", "value", "severity", "code", "message"
                )
            )
    if not frames:
        return pl.DataFrame(
            schema={
                "file": pl.Utf8,
                ROW: pl.Int64,
                "column": pl.Utf8,
                "value": pl.Utf8,
                "severity": pl.Utf8,
                "code": pl.Utf8,
                "message": pl.Utf8,
            }
        )
    return pl.concat(frames).select("file", ROW, "column", "value", "severity", "code", "message")


__all__ = [
    "AsOfInvalid",
    "FileReport",
    "ImportBusy",
    "ImportReport",
    "import_batch",
    "parse_as_of",
]
