"""Multidimensional deprivation (Alkire-Foster): configuration, per-family SQL, region measures.

The configuration (``deprivation.yaml`` beside this module by default) names the
dimensions (economic, housing, education, health, social), their weights, and
each indicator's column, condition and relative weight. A bad file is refused
with its path, line and reason. Per family the SQL gives the weighted score
(SKOR_DEPRIVASI, 0-1), each dimension's weighted part, and the deprived
dimensions and indicators; per region :func:`af_measures` gives the headcount
H, intensity A, adjusted headcount M0 = H·A, and each dimension's contribution
(absolute parts add up to M0; shares add up to 1).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from terpadu.errors import TerpaduError
from terpadu.welfare.features import PROFILE_COLUMNS
from terpadu.welfare.ols import sql_number

DEFAULT_CONFIG = Path(__file__).with_name("deprivation.yaml")
#: Columns an indicator may use beyond the family profile (available after scoring).
RANKING_COLUMNS = {
    "konsumsi_perkapita_prediksi": "exp(PMT score): predicted consumption per capita, Rp/month",
    "pmt_score": "predicted log consumption per capita",
    "persentil": "national percentile 1-100",
    "desil": "national desil 1-10",
}
OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "<>"}
SET_OPERATORS = {"in": "IN", "not in": "NOT IN"}
EPS = 1e-9


class DeprivationConfigError(TerpaduError, ValueError):
    """The deprivation configuration is invalid; the message says file, line and reason."""

    code = "deprivation_config"


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    column: str
    op: str
    value: float | tuple[float, ...]
    weight: float  # absolute: the share of the total score (all weights add up to 1)


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class DeprivationConfig:
    """A validated configuration and the text it came from (stored with every run)."""

    poverty_cutoff: float
    dimension_cutoff: float
    dimensions: tuple[Dimension, ...]
    text: str
    source: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)


class _Reader:
    """Walks the YAML node tree so every error can name its line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, reason: str) -> DeprivationConfigError:
        return DeprivationConfigError(f"{self.source}:{node.start_mark.line + 1}: {reason}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} harus berupa mapping (key: value)")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(key, f"kunci di {what} harus teks")
            if key.value in out:
                raise self.fail(key, f"kunci {key.value!r} ganda di {what}")
            out[key.value] = (key, value)
        return out

    def number(self, node: yaml.Node, what: str) -> float:
        value = yaml.safe_load(node.value) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(node, f"{what} harus angka")
        return float(value)

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            raise self.fail(node, f"{what} harus teks")
        return str(node.value)

    def known(
        self, items: dict[str, tuple[yaml.Node, yaml.Node]], allowed: set[str], what: str
    ) -> None:
        for name, (key, _) in items.items():
            if name not in allowed:
                raise self.fail(key, f"kunci {name!r} tidak dikenal di {what}")

    def require(
        self, items: dict[str, tuple[yaml.Node, yaml.Node]], name: str, parent: yaml.Node, what: str
    ) -> yaml.Node:
        if name not in items:
            raise self.fail(parent, f"{what}: kunci {name!r} wajib ada")
        return items[name][1]


def _indicator(
    reader: _Reader, name: str, node: yaml.Node, dimension: str
) -> tuple[Indicator, float]:
    where = f"indikator {dimension}.{name}"
    items = reader.mapping(node, where)
    reader.known(items, {"label", "column", "deprived_if", "value", "weight"}, where)
    column_node = reader.require(items, "column", node, where)
    column = reader.text(column_node, f"{where}.column")
    if column not in PROFILE_COLUMNS and column not in RANKING_COLUMNS:
        raise reader.fail(
            column_node,
            f"{where}: kolom {column!r} tidak dikenal; pilih dari: "
            + ", ".join(sorted({*PROFILE_COLUMNS, *RANKING_COLUMNS})),
        )
    op_node = reader.require(items, "deprived_if", node, where)
    op = reader.text(op_node, f"{where}.deprived_if").strip().lower()
    value_node = reader.require(items, "value", node, where)
    value: float | tuple[float, ...]
    if op in SET_OPERATORS:
        if not isinstance(value_node, yaml.SequenceNode) or not value_node.value:
            raise reader.fail(value_node, f"{where}: '{op}' butuh daftar angka, mis. [7, 8]")
        value = tuple(reader.number(v, f"{where}.value") for v in value_node.value)
    elif op in OPERATORS:
        value = reader.number(value_node, f"{where}.value")
    else:
        raise reader.fail(
            op_node,
            f"{where}: deprived_if {op!r} tidak dikenal; pakai salah satu: "
            + ", ".join([*OPERATORS, *SET_OPERATORS]),
        )
    weight_node = reader.require(items, "weight", node, where)
    weight = reader.number(weight_node, f"{where}.weight")
    if weight <= 0:
        raise reader.fail(weight_node, f"{where}: bobot harus lebih dari 0")
    label = reader.text(items["label"][1], f"{where}.label") if "label" in items else name
    return Indicator(name, label, column, op, value, 0.0), weight


def parse_deprivation_config(text: str, source: str = "<teks>") -> DeprivationConfig:
    """Parse and check a configuration; raise ``DeprivationConfigError`` (file:line: reason)."""
    reader = _Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise DeprivationConfigError(
            f"{source}:{line}: YAML tidak valid: {exc.problem or exc}"
        ) from exc
    if root is None:
        raise DeprivationConfigError(f"{source}:1: berkas kosong")
    top = reader.mapping(root, "konfigurasi")
    reader.known(
        top, {"version", "poverty_cutoff", "dimension_cutoff", "dimensions"}, "konfigurasi"
    )
    k_node = reader.require(top, "poverty_cutoff", root, "konfigurasi")
    k = reader.number(k_node, "poverty_cutoff")
    if not 0 < k <= 1:
        raise reader.fail(k_node, "poverty_cutoff (k) harus di antara 0 (tidak termasuk) dan 1")
    dim_cut = 0.5
    if "dimension_cutoff" in top:
        cut_node = top["dimension_cutoff"][1]
        dim_cut = reader.number(cut_node, "dimension_cutoff")
        if not 0 < dim_cut <= 1:
            raise reader.fail(cut_node, "dimension_cutoff harus di antara 0 dan 1")
    dims_node = reader.require(top, "dimensions", root, "konfigurasi")
    dims = reader.mapping(dims_node, "dimensions")
    if not dims:
        raise reader.fail(dims_node, "dimensions kosong")
    dimensions: list[Dimension] = []
    total = 0.0
    seen: set[str] = set()
    for dim_name, (key, node) in dims.items():
        where = f"dimensi {dim_name}"
        items = reader.mapping(node, where)
        reader.known(items, {"label", "weight", "indicators"}, where)
        weight_node = reader.require(items, "weight", node, where)
        weight = reader.number(weight_node, f"{where}.weight")
        if weight <= 0:
            raise reader.fail(weight_node, f"{where}: bobot harus lebih dari 0")
        total += weight
        ind_node = reader.require(items, "indicators", node, where)
        inds = reader.mapping(ind_node, f"{where}.indicators")
        if not inds:
            raise reader.fail(ind_node, f"{where}: belum ada indikator")
        parsed = []
        for ind_name, (ind_key, ind_node_value) in inds.items():
            if ind_name in seen:
                raise reader.fail(ind_key, f"nama indikator {ind_name!r} sudah dipakai")
            seen.add(ind_name)
            parsed.append(_indicator(reader, ind_name, ind_node_value, dim_name))
        relative = sum(w for _, w in parsed)
        indicators = tuple(
            Indicator(i.name, i.label, i.column, i.op, i.value, weight * w / relative)
            for i, w in parsed
        )
        label = reader.text(items["label"][1], f"{where}.label") if "label" in items else dim_name
        if not dim_name.replace("_", "").isalnum():
            raise reader.fail(key, f"nama dimensi {dim_name!r}: hanya huruf, angka, garis bawah")
        dimensions.append(Dimension(dim_name, label, weight, indicators))
    if abs(total - 1.0) > 1e-6:
        raise reader.fail(top["dimensions"][0], f"jumlah bobot dimensi harus 1, bukan {total:g}")
    return DeprivationConfig(k, dim_cut, tuple(dimensions), text, source)


def load_deprivation_config(path: Path | None = None) -> DeprivationConfig:
    """Read a configuration file (the shipped default when ``path`` is None)."""
    file = path or DEFAULT_CONFIG
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeprivationConfigError(f"{file}:1: tidak bisa dibaca: {exc.strerror}") from exc
    return parse_deprivation_config(text, str(file))


def _condition(indicator: Indicator) -> str:
    if isinstance(indicator.value, tuple):
        values = ", ".join(sql_number(v) for v in indicator.value)
        return f"{indicator.column} {SET_OPERATORS[indicator.op]} ({values})"
    return f"{indicator.column} {OPERATORS[indicator.op]} {sql_number(indicator.value)}"


def dimension_column(name: str) -> str:
    return f"dep_{name}"


def deprivation_sql(config: DeprivationConfig, source: str) -> str:
    """Per family: ``dep_<dimension>`` parts, skor, deprived dimensions and indicators.

    ``source`` has ``family_id`` and every column the indicators name. A NULL value
    makes the condition unknown, which counts as not deprived.
    """
    flags = ",\n               ".join(
        f"CASE WHEN {_condition(i)} THEN 1 ELSE 0 END AS ind_{i.name}" for i in config.indicators
    )
    parts = []
    for d in config.dimensions:
        terms = " + ".join(f"{sql_number(i.weight)} * ind_{i.name}" for i in d.indicators)
        parts.append(f"({terms}) AS {dimension_column(d.name)}")
    score = " + ".join(dimension_column(d.name) for d in config.dimensions)
    dim_names = ", ".join(
        f"CASE WHEN {dimension_column(d.name)} >= "
        f"{sql_number(config.dimension_cutoff * d.weight - EPS)} THEN '{d.name}' END"
        for d in config.dimensions
    )
    ind_names = ", ".join(
        f"CASE WHEN ind_{i.name} = 1 THEN '{i.name}' END" for i in config.indicators
    )
    return f"""
    SELECT family_id, {", ".join(dimension_column(d.name) for d in config.dimensions)},
           least({score}, 1.0e0) AS skor_deprivasi,
           nullif(concat_ws(';', {dim_names}), '') AS dimensi_deprivasi,
           nullif(concat_ws(';', {ind_names}), '') AS indikator_deprivasi,
           CASE WHEN {score} >= {sql_number(config.poverty_cutoff - EPS)} THEN 1 ELSE 0 END
               AS miskin_multidimensi
    FROM (
        SELECT family_id, {", ".join("ind_" + i.name for i in config.indicators)},
               {", ".join(parts)}
        FROM (SELECT family_id, {flags} FROM {source}) flags
    ) parts
    """


def af_measures(frame: pl.DataFrame, config: DeprivationConfig) -> dict[str, Any]:
    """H, A, M0 and dimension contributions over families (rows of ``frame``).

    ``frame`` has ``skor_deprivasi`` and one ``dep_<dimension>`` column per dimension.
    Contributions are censored: only multidimensionally poor families (score ≥ k) count.
    """
    n = frame.height
    k = config.poverty_cutoff - EPS
    poor = frame.filter(pl.col("skor_deprivasi") >= k)
    q = poor.height
    h = q / n if n else 0.0
    a = float(poor["skor_deprivasi"].sum()) / q if q else 0.0
    m0 = float(poor["skor_deprivasi"].sum()) / n if n else 0.0
    contributions = []
    for d in config.dimensions:
        column = dimension_column(d.name)
        absolute = float(poor[column].sum()) / n if n else 0.0
        deprived = frame.filter(pl.col(column) >= config.dimension_cutoff * d.weight - EPS).height
        contributions.append(
            {
                "dimensi": d.name,
                "label": d.label,
                "bobot": d.weight,
                "kontribusi": absolute,
                "persen_kontribusi": absolute / m0 if m0 else 0.0,
                "persen_terdeprivasi": deprived / n if n else 0.0,
            }
        )
    return {"n": n, "q": q, "H": h, "A": a, "M0": m0, "dimensi": contributions}
