"""The poverty profile of a region ("terurai"): desil distribution, H, A, M0, causes.

Reads the current ranking (``family_welfare`` rows with ``is_current = 1``) of the
families in a region, with the deprivation configuration stored on its run,
and computes the Alkire-Foster measures, each dimension's and indicator's part,
the desil distribution and the same measures for each sub-region. The report is
an XLSX workbook plus a chart (PNG and SVG) of the desil distribution and the
dimension contributions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, text

from terpadu.errors import TerpaduError
from terpadu.regions import get_region, normalize_code
from terpadu.welfare.deprivation import (
    EPS,
    DeprivationConfig,
    af_measures,
    dimension_column,
    parse_deprivation_config,
)
from terpadu.welfare.scope import desil_scope

NATIONAL = {"", "nasional", "id", "indonesia", "all"}
PROGRAM_DESIL = 4  # PKH targets desil 1-4


class NoRanking(TerpaduError, LookupError):
    """No ranked family in the region (the ranking has not run over it)."""

    code = "welfare_not_ranked"


@dataclass(frozen=True)
class PovertyProfile:
    """Measures for one region from one ranking run; ``sheets()`` gives the report tables."""

    region: str
    region_name: str
    run_id: int
    model_version: str
    ranked_at: str
    reference_date: str
    poverty_cutoff: float
    measures: dict[str, Any]
    dimensions: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    desil: list[dict[str, Any]]
    subregions: list[dict[str, Any]] = field(default_factory=list)
    # What the desil is relative to: the registry's families, in the region they cover.
    desil_scope: str = ""

    @property
    def headcount(self) -> float:
        return float(self.measures["H"])

    @property
    def intensity(self) -> float:
        return float(self.measures["A"])

    @property
    def m0(self) -> float:
        return float(self.measures["M0"])

    def sheets(self) -> dict[str, pl.DataFrame]:
        summary = pl.DataFrame(
            {
                "ukuran": [
                    "Kode wilayah",
                    "Nama wilayah",
                    "Desil",
                    "Jumlah keluarga berperingkat",
                    f"Keluarga desil 1-{PROGRAM_DESIL}",
                    "Keluarga miskin multidimensi (q)",
                    "H (headcount ratio)",
                    "A (intensitas)",
                    "M0 (adjusted headcount ratio) = H x A",
                    "k (batas miskin multidimensi)",
                    "Run peringkat",
                    "Versi model PMT",
                    "Waktu peringkat",
                    "Tanggal acuan",
                ],
                "nilai": [
                    self.region or "nasional",
                    self.region_name,
                    self.desil_scope,
                    str(self.measures["n"]),
                    str(self.measures["desil_program"]),
                    str(self.measures["q"]),
                    f"{self.headcount:.4f}",
                    f"{self.intensity:.4f}",
                    f"{self.m0:.4f}",
                    f"{self.poverty_cutoff:.4f}",
                    str(self.run_id),
                    self.model_version,
                    self.ranked_at,
                    self.reference_date,
                ],
            }
        )
        return {
            "Ringkasan": summary,
            "Desil": pl.DataFrame(self.desil),
            "Dimensi": pl.DataFrame(self.dimensions),
            "Indikator": pl.DataFrame(self.indicators),
            "Subwilayah": pl.DataFrame(self.subregions)
            if self.subregions
            else pl.DataFrame({"kode": [], "nama": []}, schema={"kode": pl.Utf8, "nama": pl.Utf8}),
        }


def _prefix(region: str) -> str:
    if region.strip().lower() in NATIONAL:
        return ""
    return normalize_code(region)


def _load(engine: Engine, prefix: str) -> pl.DataFrame:
    sql = """
        SELECT w.family_id, f.kode_wilayah, w.run_id, w.desil, w.persentil, w.pmt_score,
               w.skor_deprivasi, w.skor_dimensi, w.indikator_deprivasi, w.dimensi_deprivasi
        FROM family_welfare w JOIN family f ON f.id = w.family_id
        WHERE w.is_current = 1 AND f.kode_wilayah LIKE :prefix
        ORDER BY w.family_id
    """
    schema = {
        "family_id": pl.Int64(),
        "kode_wilayah": pl.Utf8(),
        "run_id": pl.Int64(),
        "desil": pl.Int64(),
        "persentil": pl.Int64(),
        "pmt_score": pl.Float64(),
        "skor_deprivasi": pl.Float64(),
        "skor_dimensi": pl.Utf8(),
        "indikator_deprivasi": pl.Utf8(),
        "dimensi_deprivasi": pl.Utf8(),
    }
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {"prefix": prefix + "%"}).fetchall()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _with_dimensions(frame: pl.DataFrame, config: DeprivationConfig) -> pl.DataFrame:
    dtype = pl.Struct({d.name: pl.Float64() for d in config.dimensions})
    return frame.with_columns(
        pl.col("skor_dimensi").str.json_decode(dtype).alias("_dims")
    ).with_columns(
        *[
            pl.col("_dims").struct.field(d.name).fill_null(0.0).alias(dimension_column(d.name))
            for d in config.dimensions
        ]
    )


def _indicators(frame: pl.DataFrame, config: DeprivationConfig) -> list[dict[str, Any]]:
    n = frame.height
    listed = frame.with_columns(
        pl.col("indikator_deprivasi").fill_null("").str.split(";").alias("_ind"),
        (pl.col("skor_deprivasi") >= config.poverty_cutoff - EPS).alias("_poor"),
    )
    rows = []
    for dimension in config.dimensions:
        for indicator in dimension.indicators:
            has = listed.filter(pl.col("_ind").list.contains(indicator.name))
            censored = has.filter(pl.col("_poor")).height
            rows.append(
                {
                    "dimensi": dimension.name,
                    "indikator": indicator.name,
                    "label": indicator.label,
                    "bobot": indicator.weight,
                    "persen_terdeprivasi": has.height / n if n else 0.0,
                    "persen_terdeprivasi_tersensor": censored / n if n else 0.0,
                }
            )
    return rows


def _child_length(prefix: str) -> int | None:
    return {0: 2, 2: 4, 4: 6, 6: 10}.get(len(prefix))


def _subregions(
    frame: pl.DataFrame, config: DeprivationConfig, prefix: str
) -> list[dict[str, Any]]:
    length = _child_length(prefix)
    if length is None:
        return []
    out = []
    keyed = frame.with_columns(pl.col("kode_wilayah").str.slice(0, length).alias("_child"))
    for code in sorted(keyed["_child"].unique().to_list()):
        part = keyed.filter(pl.col("_child") == code)
        measures = af_measures(part, config)
        region = get_region(code)
        out.append(
            {
                "kode": code,
                "nama": region.name if region else "",
                "keluarga": part.height,
                f"persen_desil_1_{PROGRAM_DESIL}": part.filter(
                    pl.col("desil") <= PROGRAM_DESIL
                ).height
                / part.height,
                "H": measures["H"],
                "A": measures["A"],
                "M0": measures["M0"],
            }
        )
    return out


def poverty_profile(engine: Engine, region: str) -> PovertyProfile:
    """The current ranking's poverty profile of ``region`` (a Kemendagri code, or 'nasional')."""
    prefix = _prefix(region)
    frame = _load(engine, prefix)
    if frame.height == 0:
        raise NoRanking(region=prefix or "Indonesia")
    run_id = int(frame.select(pl.col("run_id").max()).item())
    frame = frame.filter(pl.col("run_id") == run_id)
    with engine.connect() as conn:
        run = conn.execute(
            text(
                "SELECT model_version, started_at, reference_date, deprivation_config "
                "FROM welfare_run WHERE id = :id"
            ),
            {"id": run_id},
        ).one()
    config = parse_deprivation_config(run.deprivation_config, f"welfare_run {run_id}")
    frame = _with_dimensions(frame, config)
    measures = af_measures(frame, config)
    n = frame.height
    counts = dict(frame.group_by("desil").len().iter_rows())
    desil = [
        {"desil": d, "keluarga": int(counts.get(d, 0)), "persen": counts.get(d, 0) / n}
        for d in range(1, 11)
    ]
    program = sum(counts.get(d, 0) for d in range(1, PROGRAM_DESIL + 1))
    place = get_region(prefix) if prefix else None
    return PovertyProfile(
        region=prefix,
        region_name=place.name if place else ("Indonesia" if not prefix else ""),
        run_id=run_id,
        model_version=run.model_version,
        ranked_at=str(run.started_at),
        reference_date=str(run.reference_date),
        poverty_cutoff=config.poverty_cutoff,
        measures={
            **{k: v for k, v in measures.items() if k != "dimensi"},
            "desil_program": program,
        },
        dimensions=measures["dimensi"],
        indicators=_indicators(frame, config),
        desil=desil,
        subregions=_subregions(frame, config, prefix),
        desil_scope=desil_scope(engine).label,
    )


@dataclass(frozen=True)
class ReportFiles:
    xlsx: Path
    png: Path
    svg: Path


def write_chart(profile: PovertyProfile, png: Path, svg: Path) -> None:
    """Desil distribution and dimension contributions (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    desil = [row["desil"] for row in profile.desil]
    left.bar(desil, [row["keluarga"] for row in profile.desil], color="#2b6cb0")
    left.set_xticks(desil)
    left.set_xlabel("Desil (1 = termiskin di registri)")
    left.set_ylabel("Jumlah keluarga")
    left.set_title(f"Sebaran {profile.desil_scope or 'desil'}", fontsize=9)
    labels = [row["label"] for row in profile.dimensions]
    shares = [100 * row["persen_kontribusi"] for row in profile.dimensions]
    right.barh(labels, shares, color="#c05621")
    right.invert_yaxis()
    right.set_xlabel("% kontribusi terhadap M0")
    right.set_title(f"Kontribusi dimensi (M0 = {profile.m0:.3f}, H = {profile.headcount:.3f})")
    name = profile.region_name or profile.region
    fig.suptitle(f"Profil kemiskinan {name} ({profile.region or 'nasional'})")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    fig.savefig(svg)
    plt.close(fig)


def write_poverty_report(profile: PovertyProfile, out: Path) -> ReportFiles:
    """Write ``out`` (.xlsx, one sheet per table plus the chart) and the chart as PNG and SVG."""
    import xlsxwriter

    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"{out}: laporan kemiskinan ditulis sebagai .xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    png, svg = out.with_suffix(".png"), out.with_suffix(".svg")
    write_chart(profile, png, svg)
    with xlsxwriter.Workbook(str(out)) as workbook:
        for name, frame in profile.sheets().items():
            frame.write_excel(workbook, worksheet=name, autofit=True)
        sheet = workbook.add_worksheet("Grafik")
        sheet.insert_image("B2", str(png))
    return ReportFiles(out, png, svg)


def default_report_path(region: str, reports_dir: Path, today: dt.date | None = None) -> Path:
    """Today's poverty-profile workbook of ``region`` in ``reports_dir``."""
    day = (today or dt.date.today()).isoformat()
    code = _prefix(region) or "nasional"
    return reports_dir / f"profil_kemiskinan_{code}_{day}.xlsx"
