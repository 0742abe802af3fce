"""Programme rules compiled to SQL over the snapshot tables; one SQL for DuckDB and Spark.

Inputs, registered on the batch engine under these names:

- ``families``, ``persons``: a registry snapshot (``terpadu.engine.write_snapshot``);
- ``t_welfare``: ``family_id, desil, persentil, pmt_score, skor_deprivasi,
  miskin_multidimensi`` (the current welfare ranking);
- ``t_flags``: ``person_id, nik_ditolak, meninggal`` (civil-registry findings; may be empty);
- ``t_existing``: ``family_id, program`` (current enrolments of other programmes);
- ``t_quota``: ``kode, kuota`` (quota regions of the programme being allocated).

:func:`prepare` builds the member and family profile tables once (shared by
every programme); :func:`decide` evaluates one programme and allocates its
quotas. Everything is set-wise SQL: no per-family Python.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import pyarrow as pa

from terpadu.engine import BatchEngine
from terpadu.targeting.catalogue import (
    BUILTIN_REASONS,
    EXCLUSIONS,
    PROFILE_FIELDS,
    Condition,
    Program,
)

# Poorest first: desil, PMT score, deprivation (higher = poorer), larger family, FAMILY_ID.
ORDER_KEYS = (
    "desil ASC, pmt_score ASC, coalesce(skor_deprivasi, 0) DESC, jumlah_anggota DESC, family_id ASC"
)
NO_CAP = 1_000_000
FAMILY_COLUMNS = (
    "status_bangunan",
    "luas_lantai",
    "jenis_lantai",
    "jenis_dinding",
    "jenis_atap",
    "sumber_air_minum",
    "sumber_penerangan",
    "daya_listrik",
    "bahan_bakar_masak",
    "fasilitas_bab",
    "aset_tabung_gas",
    "aset_kulkas",
    "aset_ac",
    "aset_tv",
    "aset_emas",
    "aset_komputer",
    "aset_sepeda_motor",
    "aset_mobil",
    "aset_perahu_motor",
    "aset_rumah_lain",
    "luas_lahan",
    "jumlah_ternak",
)
COUNTS: dict[str, str] = {
    "n_anak_0_6": "umur BETWEEN 0 AND 6",
    "n_anak_sd": "jenjang = 'sd'",
    "n_anak_smp": "jenjang = 'smp'",
    "n_anak_sma": "jenjang = 'sma'",
    "n_anak_tidak_sekolah": "umur BETWEEN 7 AND 18 AND partisipasi_sekolah IN (0, 2)",
    "n_lansia_60": "umur >= 60",
    "n_lansia_70": "umur >= 70",
    "n_disabilitas": "disabilitas BETWEEN 1 AND 5",
    "n_disabilitas_berat": "disabilitas_berat = 1",
    "n_hamil": "hamil = 1",
    "n_penyakit_kronis": "penyakit_kronis = 1",
    "n_bekerja": "umur >= 15 AND status_pekerjaan BETWEEN 1 AND 6",
    "n_usia_kerja": "umur BETWEEN 15 AND 64",
    "n_asn_tni_polri": "status_pekerjaan IN (5, 6, 7)",
    "n_tanpa_nik": "(nik IS NULL OR nik = '')",
}


def age_sql(column: str, on: dt.date) -> str:
    """Completed years at ``on`` (portable: no engine-specific date_diff)."""
    return (
        f"({on.year} - year({column}) - CASE WHEN month({column}) > {on.month} OR "
        f"(month({column}) = {on.month} AND dayofmonth({column}) > {on.day}) THEN 1 ELSE 0 END)"
    )


def string_agg(kind: str, expr: str) -> str:
    """``;``-joined values, sorted, in the engine's dialect."""
    if kind == "spark":
        return f"concat_ws(';', array_sort(collect_list({expr})))"
    return f"string_agg({expr}, ';' ORDER BY {expr})"


def materialise(batch: BatchEngine, name: str, query: str) -> None:
    """Compute ``query`` once and keep it as ``name`` (a temp table, or a cached Spark view)."""
    if batch.kind == "spark":
        batch.execute(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}")
        batch.execute(f"CACHE TABLE {name}")
    else:
        batch.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")


def register(batch: BatchEngine, name: str, table: pa.Table) -> None:
    """Register an Arrow table; an empty one as a typed empty view (Spark cannot infer it)."""
    if table.num_rows > 0:
        batch.register_arrow(name, table)
        return
    types = {
        pa.int64(): "BIGINT",
        pa.int32(): "INT",
        pa.float64(): "DOUBLE",
        pa.string(): "STRING",
        pa.large_string(): "STRING",
    }
    columns = ", ".join(
        f"CAST(NULL AS {types.get(f.type, 'STRING')}) AS {f.name}" for f in table.schema
    )
    batch.execute(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT {columns} WHERE 1 = 0")


def members_sql(reference_date: dt.date) -> str:
    """Active, living members in a current membership, with age, school level, identity key."""
    age = age_sql("p.tgl_lahir", reference_date)
    base = f"""
        SELECT p.id AS person_id, p.family_id, p.nik, p.nama, p.jenis_kelamin,
               coalesce(p.membership_hub, p.hub_keluarga) AS hub,
               p.partisipasi_sekolah, p.pendidikan_tertinggi, p.status_pekerjaan,
               p.disabilitas, p.disabilitas_berat, p.penyakit_kronis, p.hamil,
               {age} AS umur,
               CASE WHEN p.resolved_person_id IS NOT NULL
                        THEN concat('R', CAST(p.resolved_person_id AS STRING))
                    WHEN p.nik IS NOT NULL AND p.nik <> '' THEN concat('N', p.nik) END AS pkey,
               coalesce(fl.nik_ditolak, 0) AS nik_ditolak
        FROM persons p LEFT JOIN t_flags fl ON fl.person_id = p.id
        WHERE p.status = 'aktif' AND p.family_id IS NOT NULL AND coalesce(fl.meninggal, 0) = 0
    """
    return f"""
        SELECT b.*,
               CASE WHEN partisipasi_sekolah = 1 AND umur BETWEEN 6 AND 21 THEN
                   CASE WHEN pendidikan_tertinggi = 0 THEN 'sd'
                        WHEN pendidikan_tertinggi = 1 THEN 'smp'
                        WHEN pendidikan_tertinggi = 2 THEN 'sma'
                        WHEN pendidikan_tertinggi IS NULL THEN
                            CASE WHEN umur BETWEEN 7 AND 12 THEN 'sd'
                                 WHEN umur BETWEEN 13 AND 15 THEN 'smp'
                                 WHEN umur BETWEEN 16 AND 18 THEN 'sma' END
                   END
               END AS jenjang,
               row_number() OVER (PARTITION BY family_id ORDER BY
                   CASE WHEN jenis_kelamin = 2 AND hub = 2 THEN 1
                        WHEN jenis_kelamin = 2 AND hub = 1 THEN 2
                        WHEN jenis_kelamin = 2 AND umur >= 17 THEN 3
                        WHEN hub = 1 THEN 4 WHEN umur >= 17 THEN 5 ELSE 6 END,
                   umur DESC NULLS LAST, person_id) AS rn_ibu,
               row_number() OVER (PARTITION BY family_id ORDER BY
                   CASE WHEN hub = 1 THEN 1 WHEN hub = 2 THEN 2 WHEN umur >= 17 THEN 3 ELSE 4 END,
                   umur DESC NULLS LAST, person_id) AS rn_kepala
        FROM ({base}) b
    """


def profile_sql(members: str = "t_members") -> str:
    """One row per family (every status): dwelling, welfare, member counts, both recipients."""
    counts = ",\n".join(
        f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}" for name, cond in COUNTS.items()
    )
    coalesced = ",\n".join(f"coalesce(a.{name}, 0) AS {name}" for name in COUNTS)
    family_cols = ", ".join(f"f.{c}" for c in FAMILY_COLUMNS)
    return f"""
        SELECT f.id AS family_id, f.source_key AS id_keluarga, f.no_kk, f.kode_wilayah, f.alamat,
               f.status AS status_keluarga, {family_cols},
               w.desil, w.persentil, w.pmt_score, w.skor_deprivasi, w.miskin_multidimensi,
               coalesce(a.jumlah_anggota, 0) AS jumlah_anggota,
               {coalesced},
               coalesce(a.kepala_perempuan, 0) AS kepala_perempuan,
               CAST(f.luas_lantai AS DOUBLE) / nullif(a.jumlah_anggota, 0) AS luas_lantai_perkapita,
               ri.person_id AS ibu_id, ri.nik AS ibu_nik, ri.nama AS ibu_nama,
               ri.nik_ditolak AS ibu_nik_ditolak,
               rk.person_id AS kepala_id, rk.nik AS kepala_nik, rk.nama AS kepala_nama,
               rk.nik_ditolak AS kepala_nik_ditolak
        FROM families f
        LEFT JOIN t_welfare w ON w.family_id = f.id
        LEFT JOIN (
            SELECT family_id, count(*) AS jumlah_anggota, {counts},
                   max(CASE WHEN hub = 1 AND jenis_kelamin = 2 THEN 1 ELSE 0 END)
                       AS kepala_perempuan
            FROM {members} GROUP BY family_id
        ) a ON a.family_id = f.id
        LEFT JOIN {members} ri ON ri.family_id = f.id AND ri.rn_ibu = 1
        LEFT JOIN {members} rk ON rk.family_id = f.id AND rk.rn_kepala = 1
    """


def shared_sql(members: str = "t_members") -> str:
    """(identity key, family) for persons registered in more than one family."""
    return f"""
        SELECT pkey, family_id FROM (
            SELECT pkey, family_id, count(*) OVER (PARTITION BY pkey) AS n
            FROM (SELECT DISTINCT pkey, family_id FROM {members} WHERE pkey IS NOT NULL) d
        ) x WHERE n > 1
    """


def prepare(batch: BatchEngine, reference_date: dt.date) -> None:
    """Members, family profiles and shared identities, computed once for every programme."""
    materialise(batch, "t_members", members_sql(reference_date))
    materialise(batch, "t_profile", profile_sql())
    materialise(batch, "t_shared", shared_sql())


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


def _component_predicate(program: Program, code: str) -> str:
    comp = next(c for c in program.components if c.code == code)
    base = {
        "hamil": "hamil = 1",
        "anak_usia_dini": "umur BETWEEN 0 AND 6",
        "sd": "jenjang = 'sd'",
        "smp": "jenjang = 'smp'",
        "sma": "jenjang = 'sma'",
        "lansia": "umur >= 70",
        "disabilitas_berat": "disabilitas_berat = 1",
    }[code]
    if comp.min_age is not None:
        base += f" AND umur >= {comp.min_age}"
    if comp.max_age is not None:
        base += f" AND umur <= {comp.max_age}"
    return base


def components_sql(program: Program, kind: str, members: str = "t_members") -> str:
    """Per family: components after the per-person, per-component and per-family caps.

    A person counts for one component (the highest amount); each component keeps at
    most ``cap`` persons (lowest person id first); the family keeps at most
    ``max_per_family`` components, highest amounts first.
    """
    parts = [
        f"SELECT family_id, person_id, '{c.code}' AS komponen, {c.amount} AS nominal, "
        f"{c.cap or NO_CAP} AS cap, {i} AS ord FROM {members} "
        f"WHERE {_component_predicate(program, c.code)}"
        for i, c in enumerate(program.components)
    ]
    max_total = program.max_components or NO_CAP
    label = "concat(komponen, ':', CAST(n AS STRING))"
    return f"""
        SELECT family_id, sum(n) AS n_komponen, sum(nominal) AS nominal_komponen,
               {string_agg(kind, label)} AS komponen
        FROM (
            SELECT family_id, komponen, count(*) AS n, sum(nominal) AS nominal
            FROM (
                SELECT k.*, row_number() OVER (PARTITION BY family_id
                                               ORDER BY nominal DESC, ord, person_id) AS rf
                FROM (
                    SELECT o.*, row_number() OVER (PARTITION BY family_id, komponen
                                                   ORDER BY person_id) AS rk
                    FROM (
                        SELECT c.*, row_number() OVER (PARTITION BY person_id
                                                       ORDER BY nominal DESC, ord) AS rp
                        FROM ({" UNION ALL ".join(parts)}) c
                    ) o WHERE rp = 1
                ) k WHERE rk <= cap
            ) kept WHERE rf <= {max_total}
            GROUP BY family_id, komponen
        ) per
        GROUP BY family_id
    """


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
        "meninggal": "p.jumlah_anggota = 0",
        "nik_ditolak": "coalesce(p.penerima_nik_ditolak, 0) = 1",
        "tanpa_nik": "p.penerima_id IS NOT NULL AND (p.nik_penerima IS NULL OR p.nik_penerima = '')",
        "program_konflik": "cf.family_id IS NOT NULL",
    }[code]


def eligibility_sql(program: Program, kind: str, months: int, conflict_table: str | None) -> str:
    """Every family with the reasons (``;``-joined codes) it fails; '' when it qualifies."""
    who = program.recipient
    comp_join = (
        f"LEFT JOIN ({components_sql(program, kind)}) c ON c.family_id = b.family_id"
        if program.components
        else ""
    )
    comp_cols = (
        "coalesce(c.n_komponen, 0) AS n_komponen_pkh, coalesce(c.nominal_komponen, 0) "
        "AS nominal_komponen, c.komponen"
        if program.components
        else "0 AS n_komponen_pkh, 0 AS nominal_komponen, CAST(NULL AS STRING) AS komponen"
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
    factor = period_factor(program, months)
    amount = (
        f"CAST(round(CAST({program.amount_family} + {program.amount_member} * p.jumlah_anggota "
        f"+ p.nominal_komponen AS DOUBLE) * {factor!r}, 0) AS BIGINT)"
    )
    return f"""
        SELECT p.*, {amount} AS nominal,
               concat_ws(';', {", ".join(reasons)}) AS alasan_awal
        FROM (
            SELECT b.*, {comp_cols},
                   b.{who}_id AS penerima_id, b.{who}_nik AS nik_penerima,
                   b.{who}_nama AS nama_penerima, b.{who}_nik_ditolak AS penerima_nik_ditolak
            FROM t_profile b {comp_join}
        ) p {conflict_join}
    """


def conflict_sql(programs: Sequence[str]) -> str:
    """Families enrolled in any of ``programs``, or sharing a person with such a family."""
    names = ", ".join(_literal(p) for p in programs)
    return f"""
        SELECT DISTINCT family_id FROM (
            SELECT e.family_id FROM t_existing e WHERE e.program IN ({names})
            UNION ALL
            SELECT m2.family_id FROM t_members m2 JOIN (
                SELECT DISTINCT m.pkey FROM t_members m
                JOIN t_existing e ON e.family_id = m.family_id
                WHERE e.program IN ({names}) AND m.pkey IS NOT NULL
            ) k ON k.pkey = m2.pkey
        ) c
    """


def duplicate_sql(eligibility: str) -> str:
    """Qualifying families that share a person with a poorer-ranked qualifying family."""
    return f"""
        SELECT DISTINCT family_id FROM (
            SELECT s.family_id, row_number() OVER (PARTITION BY s.pkey ORDER BY
                e.desil ASC, e.pmt_score ASC, coalesce(e.skor_deprivasi, 0) DESC,
                e.jumlah_anggota DESC, e.family_id ASC) AS r
            FROM t_shared s JOIN {eligibility} e ON e.family_id = s.family_id
            WHERE e.alasan_awal = ''
        ) x WHERE r > 1
    """


def allocation_sql(eligibility: str, duplicates: str) -> str:
    """Final reasons, the quota region (most specific prefix), the rank and the decision."""
    return f"""
        SELECT y.*,
               CASE WHEN y.layak AND y.kuota_wilayah IS NOT NULL AND y.peringkat <= y.kuota
                    THEN TRUE ELSE FALSE END AS terdaftar,
               CASE WHEN NOT y.layak THEN 'tidak_layak'
                    WHEN y.kuota_wilayah IS NULL THEN 'di_luar_wilayah_kuota'
                    WHEN y.peringkat <= y.kuota THEN 'terdaftar'
                    ELSE 'di_bawah_batas_kuota' END AS keputusan
        FROM (
            SELECT x.*,
                   CASE WHEN x.layak AND x.kuota_wilayah IS NOT NULL THEN
                       row_number() OVER (PARTITION BY x.layak, x.kuota_wilayah
                                          ORDER BY {ORDER_KEYS}) END AS peringkat
            FROM (
                SELECT e.*,
                       CASE WHEN d.family_id IS NOT NULL THEN 'anggota_ganda'
                            ELSE e.alasan_awal END AS alasan,
                       CASE WHEN e.alasan_awal = '' AND d.family_id IS NULL
                            THEN TRUE ELSE FALSE END AS layak,
                       coalesce(q10.kode, q6.kode, q4.kode, q2.kode) AS kuota_wilayah,
                       coalesce(q10.kuota, q6.kuota, q4.kuota, q2.kuota) AS kuota
                FROM {eligibility} e
                LEFT JOIN {duplicates} d ON d.family_id = e.family_id
                LEFT JOIN t_quota q10 ON q10.kode = e.kode_wilayah
                LEFT JOIN t_quota q6 ON q6.kode = substr(e.kode_wilayah, 1, 6)
                LEFT JOIN t_quota q4 ON q4.kode = substr(e.kode_wilayah, 1, 4)
                LEFT JOIN t_quota q2 ON q2.kode = substr(e.kode_wilayah, 1, 2)
            ) x
        ) y
    """


def summary_sql(decisions: str) -> str:
    """Per quota region: quota, filled, eligible, eligible but unserved, the cut's desil/score."""
    return f"""
        SELECT q.kode AS kode_wilayah, q.kuota,
               CAST(coalesce(a.terisi, 0) AS BIGINT) AS terisi,
               CAST(coalesce(a.layak, 0) AS BIGINT) AS layak,
               CAST(coalesce(a.layak, 0) - coalesce(a.terisi, 0) AS BIGINT) AS tidak_terlayani,
               CAST(a.batas_desil AS BIGINT) AS batas_desil,
               CAST(a.batas_pmt_score AS DOUBLE) AS batas_pmt_score
        FROM t_quota q LEFT JOIN (
            SELECT kuota_wilayah,
                   sum(CASE WHEN terdaftar THEN 1 ELSE 0 END) AS terisi,
                   sum(CASE WHEN layak THEN 1 ELSE 0 END) AS layak,
                   max(CASE WHEN terdaftar THEN desil END) AS batas_desil,
                   max(CASE WHEN terdaftar THEN pmt_score END) AS batas_pmt_score
            FROM {decisions} WHERE kuota_wilayah IS NOT NULL GROUP BY kuota_wilayah
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
    Returns the name of the materialised decisions table (one row per family).
    """
    tag = name or f"t_dec_{uuid.uuid4().hex[:8]}"
    conflict_table: str | None = None
    if conflicting and "program_konflik" in program.exclusions:
        conflict_table = f"{tag}_konflik"
        materialise(batch, conflict_table, conflict_sql(conflicting))
    eligibility = f"{tag}_layak"
    materialise(batch, eligibility, eligibility_sql(program, batch.kind, months, conflict_table))
    duplicates = f"{tag}_ganda"
    materialise(batch, duplicates, duplicate_sql(eligibility))
    materialise(batch, tag, allocation_sql(eligibility, duplicates))
    return tag


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
