"""Checking the registry against a civil-registry (Dukcapil) extract.

Every active registry person is looked up by NIK. Findings: ``nik_tidak_ditemukan`` (NIK not
in the extract), ``nama_beda`` (names differ even after normalisation and fuzzy comparison),
``tgl_lahir_beda``, ``jenis_kelamin_beda``, ``meninggal`` (the extract says dead). Where a NIK
is not found, the extract is searched for the same person under a NIK one substitution or one
adjacent transposition away, with a similar name and the same birth date; the best candidate is
proposed with a confidence computed from the linkage model's match weights. Results are stored
(``dukcapil_result``: the civil-registry values feed golden-record survivorship), reported per
desa, and raised as draft verval proposals (deactivate the dead, correct a mistyped NIK) -- the
registry itself is never changed silently.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import polars as pl
from sqlalchemy import Engine, select

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.files import ROW, clean_table, error_rows, read_table, write_table
from terpadu.identity import findings as finding_codes
from terpadu.layouts import Column
from terpadu.linkage import store as S
from terpadu.linkage.model import latest_model, level_weights, model_dir
from terpadu.linkage.prepare import prepare_records
from terpadu.store.models.verval import Proposal
from terpadu.verval import create_proposal
from terpadu.verval.errors import PermissionDenied, VervalError

log = logging.getLogger(__name__)

DUKCAPIL_COLUMNS: Final[tuple[Column, ...]] = (
    Column("NIK", "nik", "nik", required=True, aliases=("noktp", "nomorindukkependudukan")),
    Column("NO_KK", "kk", "no_kk", aliases=("nokk", "nomorkk", "kk")),
    Column("NAMA", "text", "nama", required=True, aliases=("namalengkap", "namalgkp")),
    Column("TGL_LAHIR", "date", "tgl_lahir", aliases=("tanggallahir", "tgllhr")),
    Column(
        "JENIS_KELAMIN",
        "code",
        "jenis_kelamin",
        aliases=("jk", "kelamin", "sex"),
        codes={1: ("laki-laki", "laki", "l", "lk", "pria"), 2: ("perempuan", "p", "pr", "wanita")},
    ),
    Column("KODE_WILAYAH", "text", "kode_wilayah", aliases=("kodewilayah", "kodedesa", "kodewil")),
    Column(
        "STATUS",
        "code",
        "status",
        aliases=("statushidup", "statuskematian"),
        codes={1: ("hidup", "h"), 2: ("meninggal", "mati", "wafat", "m", "meninggal dunia")},
    ),
    Column("TGL_MENINGGAL", "date", "tgl_meninggal", aliases=("tanggalmeninggal", "tglwafat")),
)
#: Similarity (Jaro-Winkler on normalised names) at or above which two names are the same.
NAME_SAME: Final = 0.9
#: Smallest confidence for which a NIK correction is proposed.
PROPOSE_FROM: Final = 0.8
#: Weights (log2 Bayes factors) used when no trained model exists yet.
_DEFAULT_WEIGHTS: Final = {
    "nik_edit": 14.0,
    "name_same": 11.0,
    "name_close": 8.0,
    "dob": 12.0,
    "sex": 1.0,
    "sex_else": -8.0,
}
_PRIOR_LOG2: Final = -16.0


@dataclass
class DukcapilReport:
    """What a check found: counts per finding, the stored check id, report files, proposals."""

    check_id: int
    rows_read: int
    rows_unreadable: int
    persons_checked: int
    counts: dict[str, int]
    results: pl.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    proposals: int = 0


def read_extract(path: Path, today: dt.date | None = None) -> tuple[pl.DataFrame, int, int, str]:
    """The extract's rows in registry form, forgivingly read; (rows, read, unreadable, sha)."""
    raw = read_table(path)
    clean = clean_table(raw, DUKCAPIL_COLUMNS, today or dt.date.today())
    bad = clean.values[ROW].is_in(error_rows(clean.issues).implode())
    values = (
        clean.values.filter(~bad)
        .select(
            "nik",
            "no_kk",
            "nama",
            "tgl_lahir",
            "jenis_kelamin",
            pl.col("kode_wilayah").str.replace_all(r"\D", ""),
            "status",
            "tgl_meninggal",
        )
        .filter(pl.col("nik").is_not_null())
        .unique("nik", keep="first")
    )
    return values, raw.frame.height, int(bad.sum()), raw.sha256


def _weights(data_dir: Path) -> tuple[dict[str, float], float]:
    model = latest_model(model_dir(data_dir))
    if model is None:
        return dict(_DEFAULT_WEIGHTS), _PRIOR_LOG2
    w = level_weights(model.splink_settings)

    def pick(comparison: str, label: str, default: str) -> float:
        return w.get((comparison, label), _DEFAULT_WEIGHTS[default])

    prior = float(model.splink_settings.get("probability_two_random_records_match") or 1e-5)
    return (
        {
            "nik_edit": pick("nik", "NIK beda satu digit", "nik_edit"),
            "name_same": pick("name", "nama sama", "name_same"),
            "name_close": pick("name", "nama mirip (JW≥0.94)", "name_close"),
            "dob": pick("dob", "tanggal lahir sama", "dob"),
            "sex": pick("sex", "jenis kelamin sama", "sex"),
            "sex_else": pick("sex", "All other comparisons", "sex_else"),
        },
        math.log2(prior / (1 - prior)),
    )


def _registry(engine: Engine) -> pl.DataFrame:
    return (
        S.query_frame(
            engine,
            "SELECT p.id, p.id_anggota, p.nik, p.nama, CAST(p.tgl_lahir AS VARCHAR(10)), p.jenis_kelamin, "
            "p.resolved_person_id, f.id, f.kode_wilayah FROM person p "
            "LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
            "LEFT JOIN family f ON f.id = m.family_id WHERE p.status = 'aktif'",
            {
                "person_id": pl.Int64,
                "id_anggota": pl.String,
                "nik": pl.String,
                "nama": pl.String,
                "tgl_lahir": pl.String,
                "jenis_kelamin": pl.Int64,
                "resolved_person_id": pl.Int64,
                "family_id": pl.Int64,
                "kode_wilayah": pl.String,
            },
        )
        .with_columns(pl.col("tgl_lahir").str.slice(0, 10).str.to_date(strict=False))
        .unique("person_id")
    )


def compare(
    registry: pl.DataFrame,
    extract: pl.DataFrame,
    weights: dict[str, float] | None = None,
    prior_log2: float = _PRIOR_LOG2,
) -> pl.DataFrame:
    """One row per registry person: findings, Dukcapil's values, suggested NIK, confidence."""
    w = weights or dict(_DEFAULT_WEIGHTS)
    reg = registry.with_columns(
        prepare_records(registry.select(pl.col("person_id").alias("unique_id"), "nama")).select(
            "name_norm", "name_key"
        )
    )
    ext = extract.with_columns(
        prepare_records(
            extract.with_row_index("unique_id").select(pl.col("unique_id").cast(pl.Int64), "nama")
        ).select("name_norm", "name_key")
    )
    con = duckdb.connect()
    con.register("reg", reg.to_arrow())
    con.register("ext", ext.to_arrow())
    found = pl.from_arrow(
        con.execute(
            """
        SELECT r.person_id, e.nik AS d_nik, e.nama AS d_nama, e.tgl_lahir AS d_tgl_lahir,
               e.jenis_kelamin AS d_jk, e.no_kk AS d_no_kk, e.status AS d_status,
               e.tgl_meninggal AS d_tgl_meninggal,
               (r.name_norm = e.name_norm OR r.name_key = e.name_key
                OR jaro_winkler_similarity(r.name_norm, e.name_norm) >= ?
                OR list_has_all(string_split(e.name_norm, ' '), string_split(r.name_norm, ' '))
                OR list_has_all(string_split(r.name_norm, ' '), string_split(e.name_norm, ' '))
               ) AS name_ok
        FROM reg r JOIN ext e ON r.nik = e.nik
    """,
            [NAME_SAME],
        ).to_arrow_table()
    )
    cands = pl.from_arrow(
        con.execute(
            """
        WITH missing AS (SELECT * FROM reg r WHERE NOT EXISTS (SELECT 1 FROM ext e WHERE e.nik = r.nik)),
        pairs AS (
            SELECT m.person_id, m.nik, m.name_norm AS rn, m.name_key AS rk, m.jenis_kelamin AS rjk,
                   e.nik AS c_nik, e.name_norm AS en, e.name_key AS ek, e.jenis_kelamin AS ejk
            FROM missing m JOIN ext e ON e.tgl_lahir = m.tgl_lahir
            WHERE m.tgl_lahir IS NOT NULL
        )
        SELECT person_id, c_nik,
               CASE WHEN nik IS NULL THEN NULL ELSE damerau_levenshtein(nik, c_nik) END AS edits,
               CASE WHEN nik IS NULL THEN NULL ELSE levenshtein(nik, c_nik) END AS subst,
               (rn = en OR rk = ek) AS name_same,
               jaro_winkler_similarity(rn, en) AS name_sim,
               (rjk = ejk) AS sex_same
        FROM pairs
        WHERE (nik IS NULL OR damerau_levenshtein(nik, c_nik) <= 1)
          AND (rn = en OR rk = ek OR jaro_winkler_similarity(rn, en) >= ?)
    """,
            [NAME_SAME],
        ).to_arrow_table()
    )
    assert isinstance(found, pl.DataFrame) and isinstance(cands, pl.DataFrame)
    con.close()
    if cands.height:
        cands = cands.with_columns(
            (
                pl.when(pl.col("edits").is_not_null()).then(w["nik_edit"]).otherwise(0.0)
                + pl.when(pl.col("name_same")).then(w["name_same"]).otherwise(w["name_close"])
                + w["dob"]
                + pl.when(pl.col("sex_same").fill_null(True))
                .then(w["sex"])
                .otherwise(w["sex_else"])
                + prior_log2
            ).alias("log_odds")
        ).with_columns((1.0 / (1.0 + (2.0 ** (-pl.col("log_odds"))))).alias("p"))
        # Several candidates for one person share the belief.
        best = (
            cands.with_columns(
                (pl.col("p") / pl.col("p").sum().over("person_id").clip(lower_bound=1.0)).alias(
                    "confidence"
                )
            )
            .sort(["person_id", "confidence"], descending=[False, True])
            .group_by("person_id", maintain_order=True)
            .first()
            .select(
                "person_id", pl.col("c_nik").alias("suggested_nik"), pl.col("confidence").round(4)
            )
        )
    else:
        best = pl.DataFrame(
            schema={"person_id": pl.Int64, "suggested_nik": pl.String, "confidence": pl.Float64}
        )
    out = registry.join(found, on="person_id", how="left").join(best, on="person_id", how="left")
    is_found = pl.col("d_nik").is_not_null()
    findings = pl.concat_list(
        pl.when(pl.col("nik").is_null()).then(pl.lit(finding_codes.NIK_MISSING)),
        pl.when(pl.col("nik").is_not_null() & ~is_found).then(pl.lit(finding_codes.NIK_NOT_FOUND)),
        pl.when(is_found & ~pl.col("name_ok")).then(pl.lit(finding_codes.NAME_DIFFERS)),
        pl.when(
            is_found
            & pl.col("tgl_lahir").is_not_null()
            & pl.col("d_tgl_lahir").is_not_null()
            & (pl.col("tgl_lahir") != pl.col("d_tgl_lahir"))
        ).then(pl.lit(finding_codes.BIRTH_DATE_DIFFERS)),
        pl.when(
            is_found
            & pl.col("jenis_kelamin").is_not_null()
            & pl.col("d_jk").is_not_null()
            & (pl.col("jenis_kelamin") != pl.col("d_jk"))
        ).then(pl.lit(finding_codes.SEX_DIFFERS)),
        pl.when(is_found & (pl.col("d_status") == 2)).then(pl.lit(finding_codes.DEAD)),
    ).list.drop_nulls()
    return out.with_columns(
        pl.when(findings.list.len() > 0)
        .then(findings.list.join(";"))
        .otherwise(pl.lit("ok"))
        .alias("findings"),
        is_found.alias("found"),
    )


def check_against_dukcapil(
    engine: Engine,
    path: Path,
    *,
    outdir: Path | None = None,
    actor: str = "system",
    raise_proposals: bool = True,
    formats: tuple[str, ...] = ("csv",),
    today: dt.date | None = None,
    data_dir: Path,
) -> DukcapilReport:
    """Check every active registry person against the extract at ``path`` (see module doc)."""
    extract, read, unreadable, sha = read_extract(path, today)
    registry = _registry(engine)
    weights, prior = _weights(data_dir)
    results = compare(registry, extract, weights, prior)
    counts: dict[str, int] = {}
    for value in results["findings"].to_list():
        for f in value.split(";"):
            counts[f] = counts.get(f, 0) + 1
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        inserted = conn.execute(
            S.CHECK.insert().values(
                file_name=path.name,
                sha256=sha,
                rows_read=read,
                rows_unreadable=unreadable,
                persons_checked=results.height,
                counts=counts,
                actor=actor,
                checked_at=now,
            )
        ).inserted_primary_key
        assert inserted is not None
        check_id = int(inserted[0])
        rows = results.select(
            pl.lit(check_id).alias("check_id"),
            "person_id",
            "findings",
            pl.col("found").cast(pl.Int16),
            pl.col("d_nik").alias("nik"),
            pl.col("d_nama").alias("nama"),
            pl.col("d_tgl_lahir").alias("tgl_lahir"),
            pl.col("d_jk").cast(pl.Int16).alias("jenis_kelamin"),
            pl.col("d_no_kk").alias("no_kk"),
            pl.when(pl.col("d_status").is_null())
            .then(None)
            .otherwise((pl.col("d_status") == 1).cast(pl.Int16))
            .alias("alive"),
            pl.col("d_tgl_meninggal").alias("tgl_meninggal"),
            "suggested_nik",
            "confidence",
            "kode_wilayah",
        )
        S.insert_rows(conn, S.RESULT, rows.to_dicts())
    proposals = _raise(engine, results) if raise_proposals else pl.DataFrame()
    if proposals.height:
        results = results.join(proposals, on="person_id", how="left")
    else:
        results = results.with_columns(pl.lit(None, pl.String).alias("usulan"))
    report = DukcapilReport(
        check_id, read, unreadable, results.height, counts, results, proposals=proposals.height
    )
    if outdir is not None:
        report.files = write_reports(results, outdir, formats)
    return report


REPORT_COLUMNS: Final = {
    "id_anggota": "ID_ANGGOTA",
    "person_code": "PERSON_ID",
    "nik": "NIK",
    "nama": "NAMA",
    "tgl_lahir": "TGL_LAHIR",
    "jenis_kelamin": "JENIS_KELAMIN",
    "kode_wilayah": "KODE_WILAYAH",
    "findings": "TEMUAN",
    "d_nik": "NIK_DUKCAPIL",
    "d_nama": "NAMA_DUKCAPIL",
    "d_tgl_lahir": "TGL_LAHIR_DUKCAPIL",
    "d_jk": "JENIS_KELAMIN_DUKCAPIL",
    "d_status_text": "STATUS_DUKCAPIL",
    "d_tgl_meninggal": "TGL_MENINGGAL",
    "suggested_nik": "NIK_USULAN",
    "confidence": "KEYAKINAN",
    "usulan": "USULAN",
}


def write_reports(
    results: pl.DataFrame, outdir: Path, formats: tuple[str, ...] = ("csv",)
) -> dict[str, Path]:
    """One report per desa (persons with a finding), plus a summary per desa."""
    frame = results.with_columns(
        pl.when(pl.col("resolved_person_id").is_not_null())
        .then(pl.format("ORG{}", pl.col("resolved_person_id").cast(pl.String).str.zfill(10)))
        .alias("person_code"),
        pl.col("d_status")
        .replace_strict({1: "HIDUP", 2: "MENINGGAL"}, default=None, return_dtype=pl.String)
        .alias("d_status_text"),
        pl.col("kode_wilayah").fill_null("tanpa_wilayah"),
    )
    files: dict[str, Path] = {}
    flagged = (
        frame.filter(pl.col("findings") != "ok").select(list(REPORT_COLUMNS)).rename(REPORT_COLUMNS)
    )
    for (desa,), part in flagged.partition_by("KODE_WILAYAH", as_dict=True).items():
        for fmt in formats:
            files[f"{desa}.{fmt}"] = write_table(
                part.sort("TEMUAN", "NAMA"), outdir / f"dukcapil_{desa}.{fmt}"
            )
    summary = (
        frame.with_columns(pl.col("findings").str.split(";"))
        .explode("findings")
        .group_by("kode_wilayah", "findings")
        .len()
        .pivot(on="findings", index="kode_wilayah", values="len")
        .fill_null(0)
        .sort("kode_wilayah")
        .rename({"kode_wilayah": "KODE_WILAYAH"})
    )
    for fmt in formats:
        files[f"ringkasan.{fmt}"] = write_table(summary, outdir / f"ringkasan_dukcapil.{fmt}")
    return files


def _raise(engine: Engine, results: pl.DataFrame) -> pl.DataFrame:
    """Draft proposals: deactivate the dead; correct a NIK found mistyped with confidence."""
    with engine.connect() as conn:
        open_ = {
            (k, p)
            for k, p in conn.execute(
                select(Proposal.kind, Proposal.person_id).where(
                    Proposal.state.in_(("draft", "submitted", "verified", "returned"))
                )
            )
        }
    made: list[tuple[int, str]] = []
    dead = results.filter(pl.col("findings").str.contains(finding_codes.DEAD))
    fix = results.filter(
        pl.col("findings").str.contains(
            f"{finding_codes.NIK_NOT_FOUND}|{finding_codes.NIK_MISSING}"
        )
        & (pl.col("confidence") >= PROPOSE_FROM)
    )
    todo = [("deactivate", r, None) for r in dead.iter_rows(named=True)] + [
        ("correct", r, {"nik": r["suggested_nik"]}) for r in fix.iter_rows(named=True)
    ]
    for kind, r, values in todo:
        if (kind, r["person_id"]) in open_ or r["family_id"] is None or r["kode_wilayah"] is None:
            continue
        note = (
            f"Dukcapil: meninggal {r['d_tgl_meninggal'] or ''}".strip()
            if kind == "deactivate"
            else f"Dukcapil: NIK {r['nik'] or '(kosong)'} -> {r['suggested_nik']} (keyakinan {r['confidence']:.2f})"
        )
        try:
            pid = create_proposal(
                engine,
                Actor("terpadu-dukcapil", OPERATOR_DESA, r["kode_wilayah"]),
                kind,
                family_id=r["family_id"],
                person_id=r["person_id"],
                values=values,
                reason="meninggal" if kind == "deactivate" else None,
                note=note,
            )
        except (VervalError, PermissionDenied) as exc:
            log.info("no %s proposal for person %s: %s", kind, r["person_id"], exc)
            continue
        made.append((r["person_id"], f"{kind}:{pid}"))
    return pl.DataFrame(made, schema={"person_id": pl.Int64, "usulan": pl.String}, orient="row")


def extract_from_synth(
    synth_dir: Path, out: Path, *, death_rate: float = 0.02, seed: int = 1
) -> pl.DataFrame:
    """A Dukcapil extract matching a ``terpadu synth`` folder, for tests and demos.

    One row per true person with the true NIK and the name, birth date and sex of an undamaged
    registration; ``death_rate`` of them are dead. Written as CSV or XLSX by ``out``'s suffix.
    """
    anggota = pl.read_csv(synth_dir / "anggota.csv", infer_schema=False)
    truth = pl.read_csv(synth_dir / "truth_anggota.csv", infer_schema=False)
    keluarga = pl.read_csv(synth_dir / "keluarga.csv", infer_schema=False)
    rows = (
        anggota.join(truth, on="ID_ANGGOTA")
        .join(keluarga.select("ID_KELUARGA", "NO_KK", "KODE_WILAYAH"), on="ID_KELUARGA", how="left")
        .with_columns(pl.col("FAULT").str.contains("duplicate|variant|invalid").alias("_bad"))
        .sort("_bad", "ID_ANGGOTA")
        .unique("TRUE_PERSON_ID", keep="first", maintain_order=True)
        .filter(~pl.col("_bad") & pl.col("TRUE_NIK").str.contains(r"^\d{16}$"))
    )
    r = random.Random(seed)
    dead = [r.random() < death_rate for _ in range(rows.height)]
    frame = rows.select(
        pl.col("TRUE_NIK").alias("NIK"),
        pl.col("NO_KK").str.replace_all(r"[^0-9]", "").alias("NO_KK"),
        pl.col("NAMA").str.to_uppercase().alias("NAMA"),
        "TGL_LAHIR",
        "JENIS_KELAMIN",
        pl.col("KODE_WILAYAH").str.replace_all(r"\.", ""),
        pl.Series("STATUS", ["MENINGGAL" if d else "HIDUP" for d in dead]),
        pl.Series("TGL_MENINGGAL", ["2025-03-01" if d else None for d in dead], dtype=pl.String),
    )
    write_table(frame, out)
    return frame
