"""The dashboard: families and persons by status, desil, data-quality problems, programmes.

Counts over the reader's region, kept :data:`DASHBOARD_CACHE` seconds per region so a
busy dashboard does not count a million rows on every visit.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, text

from terpadu.regions import normalize_code
from terpadu.regions.codes import RegionCodeError
from terpadu.registry import Viewer, region_name
from terpadu.targeting.reads import ProgramCoverage, program_coverage


@dataclass(frozen=True)
class DesilCount:
    """Families ranked in a desil, and how many of them a current programme reaches."""

    desil: int
    keluarga: int
    penerima: int = 0

    @property
    def cakupan(self) -> float:
        return self.penerima / self.keluarga if self.keluarga else 0.0


@dataclass(frozen=True)
class QualityArea:
    """Unresolved import problems in one region one level below the reader's."""

    kode: str
    nama: str
    error: int
    warning: int


@dataclass(frozen=True)
class QualityCode:
    code: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    region: str | None
    region_name: str
    families: dict[str, int]
    persons: dict[str, int]
    desil: list[DesilCount]
    quality: list[QualityArea]
    quality_codes: list[QualityCode]
    programs: list[ProgramCoverage] | None = field(default=None)

    @property
    def desil_flat(self) -> bool:
        """Whether every desil holds about as many families (true by definition over the
        region the desil were cut in): the chart then says why its bars are level."""
        counts = [d.keluarga for d in self.desil]
        top = max(counts, default=0)
        return top > 0 and min(counts) >= 0.9 * top


class _TtlCache:
    def __init__(self, ttl_s: float) -> None:
        self.ttl = ttl_s
        self._items: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any | None:
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        return None

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            if len(self._items) > 1000:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


DASHBOARD_CACHE = _TtlCache(30.0)


def _child_code(code: str | None, prefix: str) -> str | None:
    """The region one level below ``prefix`` that ``code`` lies in (or the desa itself)."""
    if not code:
        return None
    length = {0: 2, 2: 4, 4: 6, 6: 10}.get(len(prefix), 10)
    return code[:length] if code.startswith(prefix) else None


def _raw_value(raw: Any, names: tuple[str, ...]) -> str | None:
    """The value of the first column of a quarantined input row whose header (letters only,
    lower case) is one of ``names``."""
    if not raw:
        return None
    data = raw if isinstance(raw, dict) else json.loads(raw) if isinstance(raw, str) else None
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        if re.sub(r"[^a-z]", "", str(key).lower()) in names and value not in (None, ""):
            return str(value).strip()
    return None


def _raw_region(raw: Any) -> str | None:
    value = _raw_value(raw, ("kodewilayah", "kodedesa", "kdwilayah"))
    if value is None:
        return None
    try:
        return normalize_code(value)
    except (RegionCodeError, ValueError):
        return None


def _raw_family(raw: Any) -> str | None:
    return _raw_value(raw, ("idkeluarga", "idklg", "idruta"))


def _member_regions(conn: Any, rows: Sequence[Any]) -> dict[tuple[int, str], str]:
    """Where the refused members' families are: a member row refused before it landed has
    no person to follow, but names its family (in the same batch, or in the registry)."""
    found: dict[tuple[int, str], str] = {}
    wanted: set[tuple[int, str]] = set()
    for row in rows:
        if row.kode is None and row.raw:
            family = _raw_family(row.raw)
            if family is None:
                continue
            if row.role == "keluarga":
                region = _raw_region(row.raw)
                if region:
                    found[(row.source_id, family)] = region
            else:
                wanted.add((row.source_id, family))
    wanted -= set(found)
    by_source: dict[int, list[str]] = {}
    for source_id, family in wanted:
        by_source.setdefault(source_id, []).append(family)
    for source_id, keys in by_source.items():
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join(f":k{i}" for i in range(len(chunk)))
            params: dict[str, Any] = {f"k{i}": k for i, k in enumerate(chunk)}
            params["s"] = source_id
            for key, region in conn.execute(
                text(
                    "SELECT source_key, kode_wilayah FROM family WHERE source_id = :s "
                    f"AND source_key IN ({marks})"
                ),
                params,
            ):
                found[(source_id, key)] = region
    return found


def dashboard(engine: Engine, viewer: Viewer) -> Dashboard:
    """Counts for the dashboard: families and persons by status, desil, data-quality problems."""
    key = (viewer.region_prefix,)
    cached = DASHBOARD_CACHE.get(key)
    if isinstance(cached, Dashboard):
        return cached
    scope = {"scope": f"{viewer.region_prefix}%"}
    with engine.connect() as conn:
        families = {
            r.status: int(r.n)
            for r in conn.execute(
                text(
                    "SELECT status, count(*) AS n FROM family WHERE kode_wilayah LIKE :scope "
                    "GROUP BY status"
                ),
                scope,
            )
        }
        persons = {
            r.status: int(r.n)
            for r in conn.execute(
                text(
                    "SELECT p.status, count(*) AS n FROM person p JOIN membership m "
                    "ON m.person_id = p.id AND m.left_at IS NULL JOIN family f "
                    "ON f.id = m.family_id WHERE f.kode_wilayah LIKE :scope GROUP BY p.status"
                ),
                scope,
            )
        }
        # Per desil: the families, and those a current programme reaches (what varies).
        desil = {
            int(r.desil): (int(r.n), int(r.reached))
            for r in conn.execute(
                text(
                    "SELECT w.desil, count(*) AS n, count(e.family_id) AS reached "
                    "FROM family_welfare w JOIN family f ON f.id = w.family_id "
                    "LEFT JOIN (SELECT DISTINCT family_id FROM enrolment WHERE is_current = 1) e "
                    "ON e.family_id = w.family_id "
                    "WHERE w.is_current = 1 AND f.kode_wilayah LIKE :scope GROUP BY w.desil"
                ),
                scope,
            )
        }
        quarantine = conn.execute(
            text(
                "SELECT q.code, q.severity, q.raw, b.source_id, bf.role, "
                "COALESCE(f1.kode_wilayah, f2.kode_wilayah) AS kode "
                "FROM quarantine q JOIN batch b ON b.id = q.batch_id "
                "JOIN batch_file bf ON bf.id = q.file_id "
                "LEFT JOIN family f1 ON bf.role = 'keluarga' AND f1.source_id = b.source_id "
                " AND f1.source_key = q.record_key "
                "LEFT JOIN person p ON bf.role = 'anggota' AND p.source_id = b.source_id "
                " AND p.source_key = q.record_key "
                "LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
                "LEFT JOIN family f2 ON f2.id = m.family_id "
                "WHERE q.resolved_at IS NULL ORDER BY q.id DESC LIMIT 100000"
            )
        ).all()
        member_regions = _member_regions(conn, quarantine)
    problems: dict[str, dict[str, int]] = {}
    codes: dict[str, int] = {}
    prefix = viewer.region_prefix
    for row in quarantine:
        code = row.kode or _raw_region(row.raw)
        if code is None and row.role == "anggota":
            family = _raw_family(row.raw)
            code = member_regions.get((row.source_id, family)) if family else None
        if code is None:
            if viewer.region is not None:
                continue
            area = "-"
        else:
            if not code.startswith(prefix):
                continue
            area = _child_code(code, prefix) or code
        bucket = problems.setdefault(area, {"error": 0, "warning": 0})
        bucket[row.severity] = bucket.get(row.severity, 0) + 1
        codes[row.code] = codes.get(row.code, 0) + 1
    result = Dashboard(
        region=viewer.region,
        region_name=region_name(viewer.region) if viewer.region else "Nasional",
        families=families,
        persons=persons,
        desil=[DesilCount(d, *desil.get(d, (0, 0))) for d in range(1, 11)],
        quality=[
            QualityArea(
                kode=k,
                nama=region_name(k) if k != "-" else "tanpa wilayah",
                error=v.get("error", 0),
                warning=v.get("warning", 0),
            )
            # The areas with most problems first: the chart lists every one of them.
            for k, v in sorted(problems.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        quality_codes=[
            QualityCode(c, n) for c, n in sorted(codes.items(), key=lambda x: -x[1])[:10]
        ],
        programs=program_coverage(engine, viewer.region),
    )
    DASHBOARD_CACHE.put(key, result)
    return result
