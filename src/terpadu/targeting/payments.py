"""``terpadu payments``: reconcile a disbursement file (penyaluran) with the enrolments.

Every row of the bank's or post office's file gets its problems (``masalah``,
``;``-joined; blank when none):

- ``nik_rusak``: the NIK is damaged beyond repair or invalid (Excel damage is
  repaired first, as in intake);
- ``gagal``, ``saldo_nol``, ``tidak_ditemukan_bank``: the payer's own status
  (GAGAL, SALDO_NOL, TIDAK_DITEMUKAN);
- ``tidak_terdaftar``: neither the NIK nor the NO_KK is in the registry;
- ``bukan_peserta``: paid (BERHASIL) but the family is not enrolled in that
  programme and period;
- ``tidak_layak_lagi``: paid and enrolled, but the family fails the programme's
  rules on today's registry (the reasons are given);
- ``dibayar_ganda``: the same person (resolved PERSON_ID, else NIK) or family paid
  in two rows of one programme and period (e.g. two regions) or in two programmes
  that conflict;
- ``nominal_berbeda``: paid amount differs from the enrolment's NOMINAL.

NIK problems (``nik_rusak``, ``saldo_nol``, ``tidak_ditemukan_bank``,
``tidak_terdaftar``) become correction proposals in a file beside the report
(``usulan_perbaikan_nik_*.csv``, and sheet ``Usulan_Perbaikan``): the verval
proposal API needs the corrected value and an operator desa to sign it, which
only the field check can give, so the file is what the desa works from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import Engine, text

from terpadu.engine import DuckDBEngine
from terpadu.files import ROW, read_table
from terpadu.identity import check_nik_frame, repair_identity_frame
from terpadu.layouts import normalize_header
from terpadu.periods import InvalidPeriod, parse_period
from terpadu.store.ids import family_code, person_code
from terpadu.targeting.catalogue import Catalogue, load_catalogue
from terpadu.targeting.inputs import (
    TargetingError,
    existing_enrolments,
    register_inputs,
    registry_inputs,
)

HEADERS = {
    "program": "PROGRAM",
    "periode": "PERIODE",
    "nik": "NIK",
    "nikpenerima": "NIK",
    "nokk": "NO_KK",
    "nominal": "NOMINAL",
    "status": "STATUS",
    "statuspenyaluran": "STATUS",
    "tanggal": "TANGGAL",
}
STATUSES = {"BERHASIL", "GAGAL", "SALDO_NOL", "TIDAK_DITEMUKAN"}
NIK_PROBLEMS = ("nik_rusak", "saldo_nol", "tidak_ditemukan_bank", "tidak_terdaftar")
PROBLEM_LABELS = {
    "nik_rusak": "NIK rusak/tidak sah",
    "gagal": "penyaluran gagal",
    "saldo_nol": "saldo nol (NIK tidak cocok dengan Dukcapil)",
    "tidak_ditemukan_bank": "penerima tidak ditemukan oleh penyalur",
    "tidak_terdaftar": "NIK dan NO_KK tidak ada di registri",
    "bukan_peserta": "dibayar tetapi bukan peserta program/periode ini",
    "tidak_layak_lagi": "dibayar tetapi tidak lagi memenuhi aturan program",
    "dibayar_ganda": "orang/keluarga yang sama dibayar dua kali",
    "nominal_berbeda": "nominal berbeda dari kepesertaan",
    "status_tidak_dikenal": "STATUS tidak dikenal",
    "program_tidak_dikenal": "PROGRAM tidak ada di katalog",
}
PROPOSAL_TEXT = {
    "nik_rusak": "ketik ulang NIK dari KTP/KK; ajukan koreksi NIK bila data registri salah",
    "saldo_nol": "padankan NIK, nama, tanggal lahir dan jenis kelamin dengan Dukcapil; "
    "ajukan koreksi data",
    "tidak_ditemukan_bank": "periksa NIK dan rekening penerima; ajukan koreksi NIK bila salah",
    "tidak_terdaftar": "cari keluarga di registri; ajukan koreksi NIK atau keluarga baru",
}


@dataclass(frozen=True)
class PaymentReconciliation:
    rows: pl.DataFrame  # every input row with its matches and problems
    summary: pl.DataFrame  # per region
    proposals: pl.DataFrame  # NIK correction proposals
    path: Path
    sha256: str

    @property
    def problems(self) -> pl.DataFrame:
        return self.rows.filter(pl.col("MASALAH") != "")


def _status(value: str | None) -> str:
    return (value or "").strip().upper().replace(" ", "_").replace("-", "_")


def _query(engine: Engine, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params or {}).all())


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _persons_by_nik(engine: Engine, niks: list[str]) -> pl.DataFrame:
    rows: list[Any] = []
    for chunk in _chunks(niks):
        marks = ", ".join(f":n{i}" for i in range(len(chunk)))
        rows += _query(
            engine,
            f"SELECT p.nik, p.id, p.resolved_person_id, m.family_id, f.kode_wilayah "
            f"FROM person p LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
            f"LEFT JOIN family f ON f.id = m.family_id WHERE p.nik IN ({marks})",
            {f"n{i}": v for i, v in enumerate(chunk)},
        )
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "nik": pl.Utf8,
            "person_id": pl.Int64,
            "resolved_person_id": pl.Int64,
            "family_id": pl.Int64,
            "kode_wilayah": pl.Utf8,
        },
        orient="row",
    )


def _families_by_kk(engine: Engine, kks: list[str]) -> pl.DataFrame:
    rows: list[Any] = []
    for chunk in _chunks(kks):
        marks = ", ".join(f":k{i}" for i in range(len(chunk)))
        rows += _query(
            engine,
            f"SELECT no_kk, id, kode_wilayah FROM family WHERE no_kk IN ({marks})",
            {f"k{i}": v for i, v in enumerate(chunk)},
        )
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"no_kk": pl.Utf8, "kk_family_id": pl.Int64, "kk_wilayah": pl.Utf8},
        orient="row",
    )


def _enrolments(engine: Engine) -> pl.DataFrame:
    schema = {
        "program": pl.Utf8,
        "period": pl.Utf8,
        "family_id": pl.Int64,
        "nik_penerima": pl.Utf8,
        "kode_wilayah": pl.Utf8,
        "nominal": pl.Int64,
    }
    rows = _query(
        engine,
        "SELECT program, period, family_id, nik_penerima, kode_wilayah, nominal FROM enrolment "
        "WHERE is_current = 1",
    )
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _current_eligibility(
    engine: Engine, catalogue: Catalogue, programs: list[str], period: str, work_dir: Path | None
) -> pl.DataFrame:
    """Per (programme, family): does the family pass the programme's rules on today's registry."""
    from terpadu.targeting.allocation import parse_period_span
    from terpadu.targeting.rules import decide, prepare, register

    schema = {
        "program": pl.Utf8,
        "family_id": pl.Int64,
        "layak_kini": pl.Boolean,
        "alasan_kini": pl.Utf8,
    }
    if not programs:
        return pl.DataFrame(schema=schema)
    inputs = registry_inputs(engine, use_edition=False, work_dir=work_dir)
    span = parse_period_span(period)
    conflicting = sorted({c for p in programs for c in catalogue.programs[p].conflicts})
    existing = existing_enrolments(engine, conflicting, span.label)
    batch = DuckDBEngine()
    frames: list[pl.DataFrame] = []
    try:
        register_inputs(batch, inputs, existing)
        register(
            batch,
            "t_quota",
            pa.table({"kode": pa.array([], pa.string()), "kuota": pa.array([], pa.int64())}),
        )
        prepare(batch, dt.date.today())
        for program_id in programs:
            program = catalogue.programs[program_id]
            table = decide(batch, program, span.months, conflicting=program.conflicts)
            frame = pl.from_arrow(
                batch.sql(
                    f"SELECT '{program_id}' AS program, family_id, layak AS layak_kini, "
                    f"alasan AS alasan_kini FROM {table}"
                )
            )
            assert isinstance(frame, pl.DataFrame)
            frames.append(frame.cast(schema))  # type: ignore[arg-type]
    finally:
        batch.close()
    return pl.concat(frames)


def reconcile_payments(
    engine: Engine,
    path: Path,
    *,
    catalogue: Catalogue | None = None,
    programs_dir: Path | None = None,
    work_dir: Path | None = None,
    today: dt.date | None = None,
) -> PaymentReconciliation:
    """Check every disbursement row of ``path`` against the registry and the enrolments."""
    cat = catalogue or load_catalogue(programs_dir)
    raw = read_table(path)
    rename: dict[str, str] = {}
    for header in raw.frame.columns:
        target = HEADERS.get(normalize_header(header)) if header != ROW else None
        if target and target not in rename.values():
            rename[header] = target
    frame = raw.frame.rename(rename)
    for needed in ("PROGRAM", "NIK", "STATUS"):
        if needed not in frame.columns:
            raise TargetingError(
                f"{path}: kolom {needed} tidak ada (penyaluran: PROGRAM, PERIODE, NIK, NO_KK, "
                "NOMINAL, STATUS, TANGGAL)"
            )
    for optional in ("PERIODE", "NO_KK", "NOMINAL", "TANGGAL"):
        if optional not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(optional))
    today = today or dt.date.today()
    nik_fix = repair_identity_frame(frame["NIK"])
    nik_check = check_nik_frame(nik_fix["value"], today)
    kk_fix = repair_identity_frame(frame["NO_KK"])
    names = {p.id: p.id for p in cat}
    names.update({p.name.lower(): p.id for p in cat})

    def period_label(value: str | None) -> str | None:
        if not value:
            return None
        try:
            return parse_period(value)[0]
        except InvalidPeriod:
            return value.strip()

    rows = frame.select(
        pl.col(ROW).alias("BARIS"),
        pl.col("PROGRAM"),
        pl.col("PROGRAM")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(names, default=None)
        .alias("program"),
        pl.col("PERIODE"),
        pl.col("PERIODE").map_elements(period_label, return_dtype=pl.Utf8).alias("period"),
        pl.col("NIK"),
        nik_check["nik"].alias("nik"),
        (nik_fix["error_code"].is_not_null() | nik_check["error_code"].is_not_null()).alias(
            "nik_rusak"
        ),
        pl.col("NO_KK"),
        kk_fix["value"].alias("no_kk"),
        pl.col("NOMINAL"),
        pl.col("NOMINAL")
        .str.replace_all(r"[^\d]", "")
        .cast(pl.Int64, strict=False)
        .alias("nominal"),
        pl.col("STATUS"),
        pl.col("STATUS")
        .fill_null("")
        .str.strip_chars()
        .str.to_uppercase()
        .str.replace_all(r"[ \-]", "_")
        .alias("status"),
        pl.col("TANGGAL"),
    ).with_row_index("row_id")
    rows = rows.with_columns(
        pl.when(pl.col("no_kk").str.contains(r"^\d{16}$")).then(pl.col("no_kk")).alias("no_kk")
    )
    persons = _persons_by_nik(engine, rows["nik"].drop_nulls().unique().to_list())
    families = _families_by_kk(engine, rows["no_kk"].drop_nulls().unique().to_list())
    enrol = _enrolments(engine)

    # The enrolment paid: by the recipient's NIK, else any family of the person, else NO_KK.
    by_nik = rows.join(
        enrol.rename(
            {
                "nik_penerima": "nik",
                "family_id": "enrol_family",
                "kode_wilayah": "enrol_wilayah",
                "nominal": "enrol_nominal",
            }
        ),
        on=["program", "period", "nik"],
        how="left",
    ).unique("row_id", keep="first")
    person_first = persons.sort("person_id").unique("nik", keep="first")
    rows = by_nik.join(person_first, on="nik", how="left").join(
        families.unique("no_kk", keep="first"), on="no_kk", how="left"
    )
    rows = rows.with_columns(
        pl.coalesce("enrol_family", "family_id", "kk_family_id").alias("family_match")
    )
    # enrolled via the matched family when the NIK is not the named recipient
    fam_enrol = enrol.select(
        pl.col("program"),
        pl.col("period"),
        pl.col("family_id").alias("family_match"),
        pl.col("kode_wilayah").alias("fam_wilayah"),
        pl.col("nominal").alias("fam_nominal"),
    ).unique(["program", "period", "family_match"])
    rows = rows.join(fam_enrol, on=["program", "period", "family_match"], how="left")
    rows = rows.with_columns(
        (pl.col("enrol_family").is_not_null() | pl.col("fam_wilayah").is_not_null()).alias(
            "terdaftar"
        ),
        pl.coalesce("enrol_nominal", "fam_nominal").alias("nominal_kepesertaan"),
        pl.coalesce(
            "enrol_wilayah",
            "fam_wilayah",
            "kode_wilayah",
            "kk_wilayah",
            pl.col("nik").str.slice(0, 6),
        )
        .fill_null("tidak_diketahui")
        .alias("KODE_WILAYAH"),
        pl.when(pl.col("resolved_person_id").is_not_null())
        .then(pl.concat_str([pl.lit("R"), pl.col("resolved_person_id").cast(pl.Utf8)]))
        .when(pl.col("nik").is_not_null())
        .then(pl.concat_str([pl.lit("N"), pl.col("nik")]))
        .alias("pkey"),
    )
    # Paid twice: same person or family in two successful rows that may not both be paid.
    paid = rows.filter((pl.col("status") == "BERHASIL") & pl.col("program").is_not_null())
    pairs: list[pl.DataFrame] = []
    clash_rows = [(p.id, c) for p in cat for c in p.conflicts]
    clashes = pl.DataFrame(
        {
            "program": [a for a, _ in clash_rows],
            "program_b": [b for _, b in clash_rows],
            "clash": [True] * len(clash_rows),
        },
        schema={"program": pl.Utf8, "program_b": pl.Utf8, "clash": pl.Boolean},
    )
    for key in ("pkey", "family_match"):
        side = paid.filter(pl.col(key).is_not_null()).select(
            "row_id", pl.col(key).cast(pl.Utf8).alias("key"), "program", "period"
        )
        joined = side.join(side, on="key", suffix="_b").filter(
            pl.col("row_id") != pl.col("row_id_b")
        )
        same = (pl.col("program") == pl.col("program_b")) & (
            pl.col("period").eq_missing(pl.col("period_b"))
        )
        joined = joined.join(clashes, on=["program", "program_b"], how="left")
        clash = pl.col("clash").fill_null(False)
        pairs.append(joined.filter(same | clash).select("row_id", "row_id_b"))
    twice = (
        pl.concat(pairs)
        .group_by("row_id")
        .agg(pl.col("row_id_b").unique().sort().alias("ganda_dengan"))
        if pairs
        else pl.DataFrame(schema={"row_id": pl.UInt32, "ganda_dengan": pl.List(pl.UInt32)})
    )
    rows = rows.join(twice, on="row_id", how="left")
    # No longer eligible: today's rules for the paid, enrolled families.
    programmes = sorted(
        set(
            rows.filter(pl.col("terdaftar") & (pl.col("status") == "BERHASIL"))[
                "program"
            ].drop_nulls()
        )
    )
    period = next(iter(rows["period"].drop_nulls().to_list()), str(today.year))
    now = _current_eligibility(engine, cat, programmes, period, work_dir)
    rows = rows.join(
        now.rename({"family_id": "family_match"}), on=["program", "family_match"], how="left"
    )
    baris = rows.select("row_id", "BARIS")
    rows = rows.with_columns(
        pl.col("ganda_dengan").list.eval(pl.element().cast(pl.Int64)).alias("ganda_dengan")
    )
    ganda_rows = (
        rows.select("row_id", "ganda_dengan")
        .explode("ganda_dengan")
        .join(
            baris.rename({"row_id": "ganda_dengan", "BARIS": "baris_ganda"}).with_columns(
                pl.col("ganda_dengan").cast(pl.Int64)
            ),
            on="ganda_dengan",
            how="left",
        )
        .group_by("row_id")
        .agg(
            pl.col("baris_ganda")
            .drop_nulls()
            .sort()
            .cast(pl.Utf8)
            .str.join(",")
            .alias("BARIS_GANDA")
        )
    )
    rows = rows.join(ganda_rows, on="row_id", how="left")
    success = pl.col("status") == "BERHASIL"
    problems = [
        pl.when(pl.col("program").is_null()).then(pl.lit("program_tidak_dikenal")),
        pl.when(~pl.col("status").is_in(list(STATUSES))).then(pl.lit("status_tidak_dikenal")),
        pl.when(pl.col("nik_rusak")).then(pl.lit("nik_rusak")),
        pl.when(pl.col("status") == "GAGAL").then(pl.lit("gagal")),
        pl.when(pl.col("status") == "SALDO_NOL").then(pl.lit("saldo_nol")),
        pl.when(pl.col("status") == "TIDAK_DITEMUKAN").then(pl.lit("tidak_ditemukan_bank")),
        pl.when(
            ~pl.col("nik_rusak") & pl.col("person_id").is_null() & pl.col("kk_family_id").is_null()
        ).then(pl.lit("tidak_terdaftar")),
        pl.when(success & ~pl.col("terdaftar") & pl.col("program").is_not_null()).then(
            pl.lit("bukan_peserta")
        ),
        pl.when(success & pl.col("terdaftar") & (pl.col("layak_kini") == False)).then(  # noqa: E712
            pl.lit("tidak_layak_lagi")
        ),
        pl.when(success & pl.col("ganda_dengan").list.len().fill_null(0).gt(0)).then(
            pl.lit("dibayar_ganda")
        ),
        pl.when(
            success
            & pl.col("terdaftar")
            & pl.col("nominal").is_not_null()
            & (pl.col("nominal") != pl.col("nominal_kepesertaan"))
        ).then(pl.lit("nominal_berbeda")),
    ]
    rows = rows.with_columns(
        pl.concat_str(problems, separator=";", ignore_nulls=True).fill_null("").alias("MASALAH")
    )
    out = rows.sort("BARIS").select(
        "BARIS",
        "KODE_WILAYAH",
        "PROGRAM",
        "PERIODE",
        pl.col("NIK").alias("NIK_BERKAS"),
        pl.col("nik").alias("NIK"),
        "NO_KK",
        "NOMINAL",
        "STATUS",
        "TANGGAL",
        pl.when(pl.col("family_match").is_not_null())
        .then(pl.concat_str([pl.lit("KLG"), pl.col("family_match").cast(pl.Utf8).str.zfill(10)]))
        .alias("FAMILY_ID"),
        pl.when(pl.col("person_id").is_not_null())
        .then(
            pl.concat_str(
                [
                    pl.lit("ORG"),
                    pl.coalesce("resolved_person_id", "person_id").cast(pl.Utf8).str.zfill(10),
                ]
            )
        )
        .alias("PERSON_ID"),
        pl.col("terdaftar").alias("TERDAFTAR"),
        pl.col("nominal_kepesertaan").alias("NOMINAL_KEPESERTAAN"),
        "MASALAH",
        pl.col("alasan_kini").alias("ALASAN_TIDAK_LAYAK"),
        "BARIS_GANDA",
    )
    summary = _summary(out)
    proposals = _proposals(out)
    return PaymentReconciliation(out, summary, proposals, path, raw.sha256)


def _summary(rows: pl.DataFrame) -> pl.DataFrame:
    has = pl.col("MASALAH").str.split(";")
    counts = [
        has.list.contains(code).sum().alias(code)
        for code in (
            "gagal",
            "saldo_nol",
            "tidak_ditemukan_bank",
            "tidak_terdaftar",
            "nik_rusak",
            "dibayar_ganda",
            "bukan_peserta",
            "tidak_layak_lagi",
            "nominal_berbeda",
        )
    ]
    nominal = pl.col("NOMINAL").str.replace_all(r"[^\d]", "").cast(pl.Int64, strict=False)
    return (
        rows.group_by("KODE_WILAYAH")
        .agg(
            pl.len().alias("baris"),
            (pl.col("STATUS").str.to_uppercase().str.strip_chars() == "BERHASIL")
            .sum()
            .alias("berhasil"),
            nominal.filter(pl.col("STATUS").str.to_uppercase().str.strip_chars() == "BERHASIL")
            .sum()
            .alias("nominal_berhasil"),
            *counts,
            (pl.col("MASALAH") != "").sum().alias("baris_bermasalah"),
        )
        .sort("KODE_WILAYAH")
    )


def _proposals(rows: pl.DataFrame) -> pl.DataFrame:
    frames = []
    for code in NIK_PROBLEMS:
        frames.append(
            rows.filter(pl.col("MASALAH").str.split(";").list.contains(code)).select(
                "KODE_WILAYAH",
                "FAMILY_ID",
                "PERSON_ID",
                "PROGRAM",
                "PERIODE",
                pl.col("NIK_BERKAS").alias("NIK_PENYALURAN"),
                "NO_KK",
                pl.lit(code).alias("MASALAH"),
                pl.lit(PROPOSAL_TEXT[code]).alias("USULAN"),
                pl.lit("koreksi").alias("JENIS_USULAN"),
                "BARIS",
            )
        )
    return pl.concat(frames).sort(["KODE_WILAYAH", "BARIS"])


def default_payments_path(source: Path) -> Path:
    from terpadu.settings import get_settings

    return (
        get_settings().data_dir
        / "reports"
        / f"rekonsiliasi_{source.stem}_{dt.date.today():%Y%m%d}.xlsx"
    )


def write_payments_report(result: PaymentReconciliation, out: Path) -> tuple[Path, Path]:
    """The XLSX report (Ringkasan, Rincian, Usulan_Perbaikan) and the proposals CSV beside it."""
    import xlsxwriter

    if out.suffix.lower() != ".xlsx":
        raise TargetingError(f"{out}: laporan rekonsiliasi ditulis sebagai .xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(out)) as workbook:
        for name, frame in (
            ("Ringkasan", result.summary),
            ("Rincian", result.problems),
            ("Usulan_Perbaikan", result.proposals),
        ):
            frame.write_excel(
                workbook,
                worksheet=name,
                autofit=frame.height <= 10_000,
                dtype_formats={pl.Utf8: "@"},
            )
    proposals = out.with_name(f"usulan_perbaikan_nik_{out.stem}.csv")
    result.proposals.write_csv(proposals)
    return out, proposals


__all__ = [
    "PROBLEM_LABELS",
    "PaymentReconciliation",
    "family_code",
    "person_code",
    "reconcile_payments",
    "write_payments_report",
]
