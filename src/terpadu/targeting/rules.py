"""Programme rules compiled to SQL over the snapshot tables; one SQL for DuckDB and Spark.

Inputs, registered on the batch engine under these names, besides the prepared family
profiles (:func:`terpadu.targeting.profile.prepare`):

- ``t_existing``: ``family_id, program`` (current enrolments of other programmes);
- ``t_quota``: ``kode, kuota`` (quota regions of the programme being allocated).

:func:`decide` evaluates one programme and allocates its quotas over narrow
per-programme tables. Everything is set-wise SQL, no per-family Python and no
per-person window function.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from terpadu.engine import BatchEngine, Dialect
from terpadu.engine.family import DWELLING_AND_ASSETS
from terpadu.targeting.catalogue import (
    BUILTIN_REASONS,
    EXCLUSIONS,
    PROFILE_FIELDS,
    Condition,
    Program,
)
from terpadu.targeting.components import components_sql
from terpadu.targeting.profile import COUNTS

# Poorest first: desil, PMT score, deprivation (higher = poorer), larger family, FAMILY_ID.
# A family ranked only nationally (no registry PMT score) comes after those with one in its desil;
# NULLS LAST is written out because DuckDB and Spark order NULLs differently by default.
ORDER_KEYS = (
    "desil ASC, pmt_score ASC NULLS LAST, coalesce(skor_deprivasi, 0) DESC, "
    "jumlah_anggota DESC, family_id ASC"
)
#: Reasons that hold a family for its data rather than rule it out: the family is eligible
#: by welfare and components, and is listed as "tertahan data" with the fix needed. and components, and is listed as "tertahan data" with the fix needed.
DATA_HOLDS: tuple[str, ...] = ("anggota_ganda", "tanpa_nik", "nik_ditolak")


# -- one programme -----------------------------------------------------------------------------
def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def condition_sql(condition: Condition, alias: str = "p") -> str:
    """A condition as a boolean SQL expression; a blank value never satisfies it."""
    if condition.any_of:
        return "(" + " OR ".join(condition_sql(c, alias) for c in condition.any_of) + ")"
    assert condition.field in PROFILE_FIELDS and condition.op is not None
    column = f"{alias}.{condition.field}"
    op, value = condition.op, condition.value
    if op in ("in", "not in"):
        values = ", ".join(_literal(v) for v in value)
        test = f"{column} {'NOT IN' if op == 'not in' else 'IN'} ({values})"
    elif op == "between":
        test = f"{column} BETWEEN {_literal(value[0])} AND {_literal(value[1])}"
    else:
        test = f"{column} {'=' if op == '==' else op} {_literal(value)}"
    return f"coalesce({test}, FALSE)"


def period_factor(program: Program, months: int) -> float:
    """How many amount units a period holds: months/12 a year, months a month, 1 once."""
    if program.amount_per == "tahun":
        return months / 12
    if program.amount_per == "bulan":
        return float(months)
    return 1.0


def _exclusion_sql(code: str) -> str:
    return {
        "asn_tni_polri": "p.n_asn_tni_polri > 0",
        "meninggal": "p.jumlah_anggota + p.n_anggota_ganda = 0",
        "nik_ditolak": "coalesce(p.penerima_nik_ditolak, 0) = 1",
        "tanpa_nik": "p.penerima_id IS NOT NULL AND p.penerima_tanpa_nik = 1",
        "program_konflik": "cf.family_id IS NOT NULL",
    }[code]


def eligibility_sql(
    program: Program,
    months: int,
    conflict_table: str | None,
    regions: str | None = None,
) -> str:
    """Every family with the reasons (``;``-joined codes) it fails; '' when it qualifies.

    Narrow: the family id, its quota region (from ``regions``, :func:`region_sql`), the
    sort keys, the amount and components, and the reasons; the rest stays in ``t_profile``.
    """
    who = program.recipient
    comp_join = (
        f"LEFT JOIN ({components_sql(program)}) c ON c.family_id = b.family_id"
        if program.components
        else ""
    )
    comp_cols = (
        "coalesce(c.n_komponen, 0) AS n_komponen_pkh, coalesce(c.nominal_komponen, 0) "
        "AS nominal_komponen, c.komponen, coalesce(c.n_komponen_ganda, 0) AS n_komponen_ganda"
        if program.components
        else "CAST(0 AS BIGINT) AS n_komponen_pkh, CAST(0 AS BIGINT) AS nominal_komponen, "
        "CAST(NULL AS STRING) AS komponen, CAST(0 AS BIGINT) AS n_komponen_ganda"
    )
    conflict_join = (
        f"LEFT JOIN {conflict_table} cf ON cf.family_id = p.family_id" if conflict_table else ""
    )
    low, high = program.desil
    reasons = [
        "CASE WHEN p.status_keluarga <> 'aktif' THEN 'keluarga_nonaktif' END",
        f"CASE WHEN p.desil IS NULL THEN 'belum_berperingkat' "
        f"WHEN p.desil < {low} OR p.desil > {high} THEN 'desil' END",
    ]
    reasons += [
        f"CASE WHEN NOT {condition_sql(c)} THEN 'syarat:{c.code}' END" for c in program.conditions
    ]
    for code in program.exclusions:
        if code == "program_konflik" and not conflict_table:
            continue
        reasons.append(f"CASE WHEN {_exclusion_sql(code)} THEN '{code}' END")
    # The recipient, or a component, is a registration that counts in another family.
    reasons.append(
        "CASE WHEN p.penerima_asing = 1 OR p.n_komponen_ganda > 0 THEN 'anggota_ganda' END"
    )
    holds = [r for r in reasons if any(f"'{h}'" in r for h in DATA_HOLDS)]
    rules = [r for r in reasons if r not in holds]
    region_cols = (
        "r.kuota_wilayah, r.kuota"
        if regions
        else "CAST(NULL AS STRING) AS kuota_wilayah, CAST(NULL AS BIGINT) AS kuota"
    )
    region_join = f" LEFT JOIN {regions} r ON r.kode_wilayah = p.kode_wilayah" if regions else ""
    factor = period_factor(program, months)
    amount = (
        f"CAST(round(CAST({program.amount_family} + {program.amount_member} * p.jumlah_anggota "
        f"+ p.nominal_komponen AS DOUBLE) * {factor!r}, 0) AS BIGINT)"
    )
    return f"""
        SELECT p.family_id, {region_cols}, p.desil, p.pmt_score, p.skor_deprivasi,
               p.jumlah_anggota, p.n_komponen_pkh, p.komponen, {amount} AS nominal,
               p.penerima_id, p.ditunjuk_id, p.penerima_pengganti,
               concat_ws(';', {", ".join(reasons)}) AS alasan_awal,
               concat_ws(';', {", ".join(rules)}) AS alasan_aturan
        FROM (
            SELECT q.*,
                   CASE WHEN q.pengganti = 1 THEN q.{who}_pengganti_id ELSE q.{who}_id END
                       AS penerima_id,
                   q.{who}_id AS ditunjuk_id, q.pengganti AS penerima_pengganti,
                   q.{who}_asing AS penerima_asing,
                   CASE WHEN q.pengganti = 1 THEN 0 ELSE q.{who}_tanpa_nik END
                       AS penerima_tanpa_nik,
                   CASE WHEN q.pengganti = 1 THEN 0 ELSE q.{who}_nik_ditolak END
                       AS penerima_nik_ditolak
            FROM (
                SELECT b.*, {comp_cols},
                       -- The designated recipient has no usable NIK: the next in the order
                       -- who has one receives in their place.
                       CASE WHEN b.{who}_asing = 0
                                 AND (b.{who}_tanpa_nik = 1 OR b.{who}_nik_ditolak = 1)
                                 AND b.{who}_pengganti_id IS NOT NULL
                            THEN 1 ELSE 0 END AS pengganti
                FROM t_profile b {comp_join}
            ) q
        ) p {conflict_join}{region_join}
    """


def conflict_sql(programs: Sequence[str]) -> str:
    """Families enrolled in any of ``programs``, or sharing a person with such a family.

    A person shared with another family is in ``t_shared`` (identities in two or more
    families), so the second half reads that small table, not every member.
    """
    names = ", ".join(_literal(p) for p in programs)
    return f"""
        SELECT DISTINCT family_id FROM (
            SELECT e.family_id FROM t_existing e WHERE e.program IN ({names})
            UNION ALL
            SELECT s2.family_id FROM t_shared s2 JOIN (
                SELECT DISTINCT s.pkey FROM t_shared s
                JOIN t_existing e ON e.family_id = s.family_id
                WHERE e.program IN ({names})
            ) k ON k.pkey = s2.pkey
        ) c
    """


def region_sql() -> str:
    """Per region code in the registry: its quota region (the most specific covering row)."""
    return """
        SELECT kode_wilayah, kuota_wilayah, kuota FROM (
            SELECT k.kode_wilayah,
                   coalesce(q10.kode, q6.kode, q4.kode, q2.kode) AS kuota_wilayah,
                   coalesce(q10.kuota, q6.kuota, q4.kuota, q2.kuota) AS kuota
            FROM t_kode k
            LEFT JOIN t_quota q10 ON q10.kode = k.kode_wilayah
            LEFT JOIN t_quota q6 ON q6.kode = substr(k.kode_wilayah, 1, 6)
            LEFT JOIN t_quota q4 ON q4.kode = substr(k.kode_wilayah, 1, 4)
            LEFT JOIN t_quota q2 ON q2.kode = substr(k.kode_wilayah, 1, 2)
        ) r WHERE kuota_wilayah IS NOT NULL
    """


def rank_sql(eligibility: str) -> str:
    """Qualifying families in a quota region, ranked poorest first within it."""
    return f"""
        SELECT family_id, desil, pmt_score, kuota_wilayah, kuota,
               row_number() OVER (PARTITION BY kuota_wilayah ORDER BY {ORDER_KEYS}) AS peringkat
        FROM (
            SELECT e.family_id, e.desil, e.pmt_score, e.skor_deprivasi, e.jumlah_anggota,
                   e.kuota_wilayah, e.kuota
            FROM {eligibility} e
            WHERE e.alasan_awal = '' AND e.kuota_wilayah IS NOT NULL
        ) x
    """


def outcome_sql(eligibility: str, ranked: str) -> str:
    """Per family: final reasons, eligibility, quota region, rank, enrolled (narrow).

    A family failing only data reasons (:data:`DATA_HOLDS`) is ``tertahan_data``: eligible
    by welfare and components, held until its data are fixed.
    """
    return f"""
        SELECT e.family_id, e.desil, e.pmt_score, e.n_komponen_pkh, e.komponen, e.nominal,
               e.penerima_id, e.ditunjuk_id, e.penerima_pengganti,
               e.alasan_awal AS alasan,
               CASE WHEN e.alasan_awal = '' THEN TRUE ELSE FALSE END AS layak,
               e.kuota_wilayah, e.kuota, k.peringkat,
               CASE WHEN k.peringkat IS NOT NULL AND k.peringkat <= k.kuota
                    THEN TRUE ELSE FALSE END AS terdaftar,
               CASE WHEN e.alasan_awal <> '' AND e.alasan_aturan = '' THEN 'tertahan_data'
                    WHEN e.alasan_awal <> '' THEN 'tidak_layak'
                    WHEN e.kuota_wilayah IS NULL THEN 'di_luar_wilayah_kuota'
                    WHEN k.peringkat <= k.kuota THEN 'terdaftar'
                    ELSE 'di_bawah_batas_kuota' END AS keputusan
        FROM {eligibility} e
        LEFT JOIN {ranked} k ON k.family_id = e.family_id
    """


def decisions_sql(program: Program, outcome: str, dialect: Dialect) -> str:
    """One row per family: the profile, the recipient and the programme's outcome.

    The full decision row (what ``decisions.parquet``, the BNBA and ``explain`` show),
    joined from the shared profile, the family's registry row and the recipient's
    person row only when read. ``ditunjuk_*`` is the designated recipient when another
    member receives in their place; ``anggota_ganda`` names the family's registrations
    that count in another family, with that family.
    """
    del program  # the recipient was chosen in the outcome
    counts = ", ".join(f"p.{c}" for c in COUNTS)
    dwelling = ", ".join(f"p.{c}" for c in DWELLING_AND_ASSETS)
    elsewhere = (
        "concat(coalesce(r.nama, '-'), ' (NIK ', coalesce(r.nik, '-'), ') dihitung di KLG', "
        "lpad(CAST(x.home_family_id AS STRING), 10, '0'))"
    )
    return f"""
        SELECT o.family_id, f.source_key AS id_keluarga, f.no_kk, p.kode_wilayah, f.alamat,
               p.status_keluarga, {dwelling},
               o.desil, p.persentil, p.sumber_desil, p.desil_relatif, p.desil_nasional,
               o.pmt_score, p.skor_deprivasi, p.miskin_multidimensi,
               p.jumlah_anggota, {counts}, p.kepala_perempuan, p.luas_lantai_perkapita,
               o.penerima_id, r.nik AS nik_penerima, r.nama AS nama_penerima,
               CASE WHEN r.nik_ditolak = 1 THEN 1 ELSE 0 END AS penerima_nik_ditolak,
               o.penerima_pengganti,
               CASE WHEN o.penerima_pengganti = 1 THEN o.ditunjuk_id END AS ditunjuk_id,
               CASE WHEN o.penerima_pengganti = 1 THEN d.nama END AS nama_ditunjuk,
               p.n_anggota_ganda, g.anggota_ganda,
               o.n_komponen_pkh, o.komponen, o.nominal, o.alasan, o.layak,
               o.kuota_wilayah, o.kuota, o.peringkat, o.terdaftar, o.keputusan
        FROM {outcome} o
        JOIN t_profile p ON p.family_id = o.family_id
        LEFT JOIN families f ON f.id = o.family_id
        LEFT JOIN t_people r ON r.family_id = o.family_id AND r.person_id = o.penerima_id
        LEFT JOIN t_people d ON d.family_id = o.family_id AND d.person_id = o.ditunjuk_id
        LEFT JOIN (
            SELECT x.family_id, {dialect.sorted_join(elsewhere)} AS anggota_ganda
            FROM t_asing x JOIN t_people r ON r.person_id = x.person_id
                AND r.family_id = x.family_id
            GROUP BY x.family_id
        ) g ON g.family_id = o.family_id
    """


def decisions_view(outcome: str) -> str:
    """The name of the full decision rows of the outcome table ``outcome`` (see :func:`decide`)."""
    return f"{outcome}_lengkap"


def ranked_table(outcome: str) -> str:
    """The ranked qualifying families (in a quota region) behind a :func:`decide` outcome."""
    return f"{outcome}_urut"


def enrolled_sql(outcome: str) -> str:
    """The enrolled families of a :func:`decide` outcome (read from its ranked table)."""
    return f"SELECT family_id FROM {ranked_table(outcome)} WHERE peringkat <= kuota"


def summary_sql(outcome: str) -> str:
    """Per quota region: quota, filled, eligible, eligible but unserved, the cut's desil/score.

    Read from the outcome's ranked table: the qualifying families of a quota region
    are exactly its rows, the enrolled ones those ranked within the quota.
    """
    return f"""
        SELECT q.kode AS kode_wilayah, q.kuota,
               CAST(coalesce(a.terisi, 0) AS BIGINT) AS terisi,
               CAST(coalesce(a.layak, 0) AS BIGINT) AS layak,
               CAST(coalesce(a.layak, 0) - coalesce(a.terisi, 0) AS BIGINT) AS tidak_terlayani,
               CAST(a.batas_desil AS BIGINT) AS batas_desil,
               CAST(a.batas_pmt_score AS DOUBLE) AS batas_pmt_score
        FROM t_quota q LEFT JOIN (
            SELECT kuota_wilayah,
                   sum(CASE WHEN peringkat <= kuota THEN 1 ELSE 0 END) AS terisi,
                   count(*) AS layak,
                   max(CASE WHEN peringkat <= kuota THEN desil END) AS batas_desil,
                   max(CASE WHEN peringkat <= kuota THEN pmt_score END) AS batas_pmt_score
            FROM {ranked_table(outcome)} GROUP BY kuota_wilayah
        ) a ON a.kuota_wilayah = q.kode
        ORDER BY q.kode
    """


def decide(
    batch: BatchEngine,
    program: Program,
    months: int,
    *,
    conflicting: Sequence[str] = (),
    name: str | None = None,
) -> str:
    """Evaluate ``program`` on the prepared tables and allocate its quotas.

    ``conflicting``: programmes whose current enrolments (``t_existing``) exclude
    a family (applied when the programme lists the ``program_konflik`` exclusion).
    Returns the name of the programme's outcome, one narrow row per family:
    ``family_id, desil, pmt_score, n_komponen_pkh, komponen, nominal, alasan, layak,
    kuota_wilayah, kuota, peringkat, terdaftar, keputusan``. What is computed is
    materialised once: every family's reasons (``<name>_layak``), the shared-person
    duplicates, the region map and the ranked qualifying families
    (:func:`ranked_table`); the outcome itself is a view joining them, and the full
    decision rows (profile and recipient too) are the view :func:`decisions_view`.
    :func:`summary_sql` and :func:`enrolled_sql` read the ranked table directly.
    """
    tag = name or f"t_dec_{uuid.uuid4().hex[:8]}"
    conflict_table: str | None = None
    if conflicting and "program_konflik" in program.exclusions:
        conflict_table = f"{tag}_konflik"
        batch.materialise(conflict_table, conflict_sql(conflicting))
    eligibility, regions = f"{tag}_layak", f"{tag}_wilayah"
    ranked = ranked_table(tag)
    batch.materialise(regions, region_sql())
    batch.materialise(eligibility, eligibility_sql(program, months, conflict_table, regions))
    batch.materialise(ranked, rank_sql(eligibility))
    batch.view(tag, outcome_sql(eligibility, ranked))
    batch.view(decisions_view(tag), decisions_sql(program, tag, batch.dialect))
    return tag


def release(batch: BatchEngine, outcome: str) -> None:
    """Drop everything :func:`decide` made for ``outcome`` once it has been read."""
    views = (decisions_view(outcome), outcome)
    tables = [f"{outcome}_{part}" for part in ("urut", "wilayah", "layak", "konflik")]
    for name in views:
        batch.drop_view(name)
    for name in tables:
        batch.drop_materialised(name)


REASON_LABELS: dict[str, str] = {**BUILTIN_REASONS, **EXCLUSIONS}


def reason_label(code: str, program: Program) -> str:
    """The officer's words for a reason code (``syarat:<code>`` names the condition)."""
    if code.startswith("syarat:"):
        wanted = code.split(":", 1)[1]
        for condition in program.conditions:
            if condition.code == wanted:
                return f"tidak memenuhi syarat: {condition.label}"
        return f"tidak memenuhi syarat {wanted}"
    if code == "desil":
        return f"desil di luar rentang program ({program.desil[0]}-{program.desil[1]})"
    return REASON_LABELS.get(code, code)
