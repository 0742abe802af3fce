"""Programme rules compiled to SQL over the snapshot tables; one SQL for DuckDB and Spark.

Inputs, registered on the batch engine under these names:

- ``families``, ``persons``: a registry snapshot (``terpadu.engine.write_snapshot``);
- ``t_welfare``: ``family_id, desil, persentil, pmt_score, skor_deprivasi,
  miskin_multidimensi`` (the current welfare ranking);
- ``t_flags``: ``person_id, nik_ditolak, meninggal`` (civil-registry findings; may be empty);
- ``t_existing``: ``family_id, program`` (current enrolments of other programmes);
- ``t_quota``: ``kode, kuota`` (quota regions of the programme being allocated).

:func:`prepare` builds the family profiles and the shared-identity table once
(shared by every programme; the members stay a view, read in one pass per use);
:func:`decide` evaluates one programme and allocates its quotas over narrow
per-programme tables. Everything is set-wise SQL, no per-family Python and no
per-person window function.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import pyarrow as pa

from terpadu.education import diploma_too_young_sql
from terpadu.engine import BatchEngine
from terpadu.engine.sql import age_sql
from terpadu.targeting.catalogue import (
    BUILTIN_REASONS,
    EXCLUSIONS,
    PROFILE_FIELDS,
    Condition,
    Program,
)

# Poorest first: desil, PMT score, deprivation (higher = poorer), larger family, FAMILY_ID.
# A family ranked only nationally (no registry PMT score) comes after those with one in its desil;
# NULLS LAST is written out because DuckDB and Spark order NULLs differently by default.
ORDER_KEYS = (
    "desil ASC, pmt_score ASC NULLS LAST, coalesce(skor_deprivasi, 0) DESC, "
    "jumlah_anggota DESC, family_id ASC"
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
#: Reasons that hold a family for its data rather than rule it out: the family is eligible
#: by welfare and components, and is listed as "tertahan data" with the fix needed.
DATA_HOLDS: tuple[str, ...] = ("anggota_ganda", "tanpa_nik", "nik_ditolak")


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


# The recipient is chosen inside the family GROUP BY (no per-person window): each member gets
# one sortable BIGINT, ((priority * 10^5 + age code) * 10^12 + person id) * 8 + flags, where
# the age code puts the oldest first and a blank age last, and the three flag bits carry what
# the exclusions need of the recipient (registration counted in another family, NIK blank,
# NIK rejected by Dukcapil). The family's minimum names its designated recipient and its
# flags; the minimum over the members with a usable NIK names the one who receives in their
# place. Exact for person ids below 10^12 and ages within ±49,998 years (wider ages are
# clamped: only members with impossible birth dates could then be ordered by person id
# instead of age); the largest key, about 5.6 * 10^18, fits a BIGINT.
KEY_PRIORITY = 10**17
KEY_AGE = 10**12
KEY_FLAGS = 8
RECIPIENT_PRIORITY: dict[str, str] = {
    # the wife/mother: a woman with relation 2, a woman heading, the oldest woman 17+, the head
    "ibu": "CASE WHEN jenis_kelamin = 2 AND hub = 2 THEN 1 WHEN jenis_kelamin = 2 AND hub = 1 "
    "THEN 2 WHEN jenis_kelamin = 2 AND umur >= 17 THEN 3 WHEN hub = 1 THEN 4 "
    "WHEN umur >= 17 THEN 5 ELSE 6 END",
    # the head, else the spouse, else the oldest adult
    "kepala": "CASE WHEN hub = 1 THEN 1 WHEN hub = 2 THEN 2 WHEN umur >= 17 THEN 3 ELSE 4 END",
}
# A diploma the child is too young for says nothing about the level: the age decides.
JENJANG = f"""
    CASE WHEN partisipasi_sekolah = 1 AND umur BETWEEN 6 AND 21 THEN
        CASE WHEN pendidikan_tertinggi IS NULL
                  OR {diploma_too_young_sql("umur", "pendidikan_tertinggi")} THEN
                 CASE WHEN umur BETWEEN 7 AND 12 THEN 'sd'
                      WHEN umur BETWEEN 13 AND 15 THEN 'smp'
                      WHEN umur BETWEEN 16 AND 18 THEN 'sma' END
             WHEN pendidikan_tertinggi = 0 THEN 'sd'
             WHEN pendidikan_tertinggi = 1 THEN 'smp'
             WHEN pendidikan_tertinggi = 2 THEN 'sma'
        END
    END"""
#: A usable NIK: present, and not rejected by Dukcapil.
NIK_USABLE = "(nik IS NOT NULL AND nik <> '' AND nik_ditolak = 0)"


def recipient_key(who: str) -> str:
    """The member's place in the recipient order and its flags as one BIGINT (smallest wins)."""
    age = "CASE WHEN umur IS NULL THEN 99999 ELSE 50000 - least(greatest(umur, -49998), 50000) END"
    flags = (
        "CASE WHEN asing = 1 THEN 4 ELSE 0 END "
        "+ CASE WHEN nik IS NULL OR nik = '' THEN 2 ELSE 0 END "
        "+ CASE WHEN nik_ditolak = 1 THEN 1 ELSE 0 END"
    )
    return (
        f"((CAST({RECIPIENT_PRIORITY[who]} AS BIGINT) * {KEY_PRIORITY} "
        f"+ CAST({age} AS BIGINT) * {KEY_AGE} + person_id) * {KEY_FLAGS} + {flags})"
    )


def stand_in_key(who: str) -> str:
    """:func:`recipient_key` of a member who may receive in the designated one's place: counted
    in this family, with a usable NIK, and the head or an adult (never a child); else NULL."""
    return (
        f"CASE WHEN asing = 0 AND {NIK_USABLE} AND (hub = 1 OR umur >= 17) "
        f"THEN {recipient_key(who)} END"
    )


def _person_of(key: str) -> str:
    return f"CAST(({key} % {KEY_FLAGS * KEY_AGE} - {key} % {KEY_FLAGS}) / {KEY_FLAGS} AS BIGINT)"


def _recipient_columns(who: str) -> str:
    """Decode the family's minimum :func:`recipient_key` (person id and the three flags) and
    the person id of its minimum :func:`stand_in_key`."""
    key = f"a.k_{who}"
    return (
        f"{_person_of(key)} AS {who}_id, "
        f"CAST(floor(({key} % {KEY_FLAGS}) / 4) AS BIGINT) AS {who}_asing, "
        f"CAST(floor(({key} % 4) / 2) AS BIGINT) AS {who}_tanpa_nik, "
        f"CAST({key} % 2 AS BIGINT) AS {who}_nik_ditolak, "
        f"{_person_of(f'a.g_{who}')} AS {who}_pengganti_id"
    )


def members_sql(reference_date: dt.date) -> str:
    """Active, living members in a current membership, with age and school level.

    ``asing`` marks a registration of a person who counts in another family (``t_asing``):
    it is in no count or component of this family.
    """
    age = age_sql("p.tgl_lahir", reference_date)
    base = f"""
        SELECT p.id AS person_id, p.family_id, p.nik, p.jenis_kelamin,
               coalesce(p.membership_hub, p.hub_keluarga) AS hub,
               p.partisipasi_sekolah, p.pendidikan_tertinggi, p.status_pekerjaan,
               p.disabilitas, p.disabilitas_berat, p.penyakit_kronis, p.hamil,
               {age} AS umur, coalesce(fl.nik_ditolak, 0) AS nik_ditolak,
               CASE WHEN x.person_id IS NULL THEN 0 ELSE 1 END AS asing
        FROM persons p LEFT JOIN t_flags fl ON fl.person_id = p.id
        LEFT JOIN t_asing x ON x.person_id = p.id
        WHERE p.status = 'aktif' AND p.family_id IS NOT NULL AND coalesce(fl.meninggal, 0) = 0
    """
    return f"SELECT b.*, {JENJANG} AS jenjang FROM ({base}) b"


def people_sql() -> str:
    """Who a recipient is: NIK, name and the civil registry's verdict, per (person, family)."""
    return """
        SELECT p.id AS person_id, p.family_id, p.nik, p.nama,
               coalesce(fl.nik_ditolak, 0) AS nik_ditolak
        FROM persons p LEFT JOIN t_flags fl ON fl.person_id = p.id
    """


def profile_sql(members: str = "t_members") -> str:
    """One row per family (every status): what the rules test, and both recipients.

    ``desil`` and ``persentil`` are the national DTSEN ranking where the family has one
    (imported with the keluarga file), else Terpadu's registry-relative one; ``sumber_desil``
    says which (``nasional`` or ``relatif``).

    One GROUP BY over the members gives every count and, as the minimum of
    :func:`recipient_key`, both recipients with their NIK flags. Names, NIKs and the
    family's identifiers are joined in only when the full decision rows are read
    (:func:`decisions_sql`).
    """
    counts = ",\n".join(
        f"count(CASE WHEN asing = 0 AND {cond} THEN 1 END) AS {name}"
        for name, cond in COUNTS.items()
    )
    coalesced = ",\n".join(f"coalesce(a.{name}, 0) AS {name}" for name in COUNTS)
    dwelling = ", ".join(f"f.{c}" for c in FAMILY_COLUMNS)
    return f"""
        SELECT f.id AS family_id, f.kode_wilayah, f.status AS status_keluarga, {dwelling},
               coalesce(f.desil_nasional, w.desil) AS desil,
               CAST(coalesce(f.persentil_nasional, w.persentil) AS DOUBLE) AS persentil,
               w.desil AS desil_relatif, f.desil_nasional,
               CASE WHEN f.desil_nasional IS NOT NULL THEN 'nasional'
                    WHEN w.desil IS NOT NULL THEN 'relatif' END AS sumber_desil,
               w.pmt_score, w.skor_deprivasi, w.miskin_multidimensi,
               coalesce(a.jumlah_anggota, 0) AS jumlah_anggota,
               coalesce(a.n_anggota_ganda, 0) AS n_anggota_ganda,
               {coalesced},
               coalesce(a.kepala_perempuan, 0) AS kepala_perempuan,
               CAST(f.luas_lantai AS DOUBLE) / nullif(a.jumlah_anggota, 0) AS luas_lantai_perkapita,
               {_recipient_columns("ibu")},
               {_recipient_columns("kepala")}
        FROM families f
        LEFT JOIN t_welfare w ON w.family_id = f.id
        LEFT JOIN (
            SELECT family_id, count(CASE WHEN asing = 0 THEN 1 END) AS jumlah_anggota,
                   count(CASE WHEN asing = 1 THEN 1 END) AS n_anggota_ganda, {counts},
                   max(CASE WHEN asing = 0 AND hub = 1 AND jenis_kelamin = 2 THEN 1 ELSE 0 END)
                       AS kepala_perempuan,
                   min({recipient_key("ibu")}) AS k_ibu,
                   min({recipient_key("kepala")}) AS k_kepala,
                   min({stand_in_key("ibu")}) AS g_ibu,
                   min({stand_in_key("kepala")}) AS g_kepala
            FROM {members} GROUP BY family_id
        ) a ON a.family_id = f.id
    """


def shared_sql() -> str:
    """(identity key, family, registration, home family) for persons registered in more than
    one family.

    The identity key ``pkey`` is ``R<resolved PERSON_ID>``, else ``N<NIK>``. A person counts
    once, in the family of their newest registration (the highest person id: registrations
    are numbered as they arrive, so this is the membership a later batch reported, and after
    ``terpadu link`` the resolved person's latest one): ``home_family_id``. Grouped on the
    raw identity (resolved PERSON_ID, else NIK; -1 and '' stand for "none", neither being a
    valid id or NIK) rather than on the ``pkey`` string, which is built only for the few
    shared identities.
    """
    return """
        WITH k AS (
            SELECT p.id AS person_id, p.family_id, coalesce(p.resolved_person_id, -1) AS rid,
                   CASE WHEN p.resolved_person_id IS NULL THEN p.nik ELSE '' END AS nk
            FROM persons p LEFT JOIN t_flags fl ON fl.person_id = p.id
            WHERE p.status = 'aktif' AND p.family_id IS NOT NULL
              AND coalesce(fl.meninggal, 0) = 0
              AND (p.resolved_person_id IS NOT NULL OR (p.nik IS NOT NULL AND p.nik <> ''))
        )
        SELECT CASE WHEN k.rid <> -1 THEN concat('R', CAST(k.rid AS STRING))
                    ELSE concat('N', k.nk) END AS pkey,
               k.family_id, k.person_id, s.home_family_id
        FROM k JOIN (
            SELECT rid, nk, max_by(family_id, person_id) AS home_family_id FROM k
            GROUP BY rid, nk HAVING min(family_id) <> max(family_id)
        ) s ON s.rid = k.rid AND s.nk = k.nk
    """


def foreign_sql() -> str:
    """Registrations that count in another family (their identity's home): ``t_asing``."""
    return (
        "SELECT person_id, family_id, home_family_id FROM t_shared "
        "WHERE family_id <> home_family_id"
    )


def view(batch: BatchEngine, name: str, query: str) -> None:
    """Name ``query`` without computing it (read where it is used)."""
    batch.execute(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}")


def prepare(batch: BatchEngine, reference_date: dt.date) -> None:
    """Family profiles, shared identities and region codes, computed once for every programme.

    The members stay a view over the snapshot: the profile, the shared identities and
    the components each read the few person columns they need in one pass.
    """
    materialise(batch, "t_shared", shared_sql())
    materialise(batch, "t_asing", foreign_sql())
    view(batch, "t_members", members_sql(reference_date))
    view(batch, "t_people", people_sql())
    materialise(batch, "t_profile", profile_sql())
    materialise(
        batch,
        "t_kode",
        "SELECT DISTINCT kode_wilayah FROM t_profile WHERE kode_wilayah IS NOT NULL",
    )


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


COMPONENT_BASE: dict[str, str] = {
    "hamil": "hamil = 1",
    "anak_usia_dini": "umur BETWEEN 0 AND 6",
    "sd": "jenjang = 'sd'",
    "smp": "jenjang = 'smp'",
    "sma": "jenjang = 'sma'",
    "lansia": "umur >= 70",
    "disabilitas_berat": "disabilitas_berat = 1",
}


def _component_predicate(program: Program, code: str) -> str:
    comp = next(c for c in program.components if c.code == code)
    base = COMPONENT_BASE[code]
    if comp.min_age is not None:
        base += f" AND umur >= {comp.min_age}"
    if comp.max_age is not None:
        base += f" AND umur <= {comp.max_age}"
    return f"({base})"


def components_sql(program: Program, kind: str, members: str = "t_members") -> str:
    """Per family: components after the per-person, per-component and per-family caps.

    A person counts for one component (the highest amount); each component keeps at
    most ``cap`` persons (lowest person id first); the family keeps at most
    ``max_per_family`` components, highest amounts first. Only counts leave this
    query, so the caps are arithmetic on per-family counts (one GROUP BY, no window):
    taking components in (amount desc, file order), each keeps
    ``min(count, cap, room left under max_per_family)``.
    """
    del kind  # the same SQL on every engine
    ordered = [
        c for _, c in sorted(enumerate(program.components), key=lambda t: (-t[1].amount, t[0]))
    ]
    choice = " ".join(
        f"WHEN {_component_predicate(program, c.code)} THEN {j}" for j, c in enumerate(ordered)
    )
    counts = ", ".join(
        f"count(CASE WHEN pilihan = {j} THEN 1 END) AS n{j}" for j in range(len(ordered))
    )
    # Components are counted as registered; one that is a registration counted in another
    # family (``n_komponen_ganda``) holds the family for its data, so it is never paid here.
    query = f"""
        SELECT family_id, {counts}, count(CASE WHEN asing = 1 THEN 1 END) AS n_komponen_ganda
        FROM (
            SELECT family_id, asing, CASE {choice} END AS pilihan FROM {members}
        ) c WHERE pilihan IS NOT NULL GROUP BY family_id
    """
    max_total = program.max_components or NO_CAP
    for j, comp in enumerate(ordered):
        used = " + ".join(f"x.k{i}" for i in range(j)) or "0"
        query = (
            f"SELECT x.*, greatest(0, least(x.n{j}, {comp.cap or NO_CAP}, "
            f"{max_total} - ({used}))) AS k{j} FROM ({query}) x"
        )
    kept = [f"k{j}" for j in range(len(ordered))]
    labels = ", ".join(
        f"CASE WHEN k{j} > 0 THEN concat('{c.code}:', CAST(k{j} AS STRING)) END"
        for j, c in sorted(enumerate(ordered), key=lambda t: t[1].code + ":")
    )
    return f"""
        SELECT family_id, n_komponen_ganda, {" + ".join(kept)} AS n_komponen,
               {" + ".join(f"k{j} * {c.amount}" for j, c in enumerate(ordered))} AS nominal_komponen,
               nullif(concat_ws(';', {labels}), '') AS komponen
        FROM ({query}) caps
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
        "meninggal": "p.jumlah_anggota + p.n_anggota_ganda = 0",
        "nik_ditolak": "coalesce(p.penerima_nik_ditolak, 0) = 1",
        "tanpa_nik": "p.penerima_id IS NOT NULL AND p.penerima_tanpa_nik = 1",
        "program_konflik": "cf.family_id IS NOT NULL",
    }[code]


def eligibility_sql(
    program: Program,
    kind: str,
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
        f"LEFT JOIN ({components_sql(program, kind)}) c ON c.family_id = b.family_id"
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


def decisions_sql(program: Program, outcome: str, kind: str) -> str:
    """One row per family: the profile, the recipient and the programme's outcome.

    The full decision row (what ``decisions.parquet``, the BNBA and ``explain`` show),
    joined from the shared profile, the family's registry row and the recipient's
    person row only when read. ``ditunjuk_*`` is the designated recipient when another
    member receives in their place; ``anggota_ganda`` names the family's registrations
    that count in another family, with that family.
    """
    del program  # the recipient was chosen in the outcome
    counts = ", ".join(f"p.{c}" for c in COUNTS)
    dwelling = ", ".join(f"p.{c}" for c in FAMILY_COLUMNS)
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
            SELECT x.family_id, {string_agg(kind, elsewhere)} AS anggota_ganda
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
        materialise(batch, conflict_table, conflict_sql(conflicting))
    eligibility, regions = f"{tag}_layak", f"{tag}_wilayah"
    ranked = ranked_table(tag)
    materialise(batch, regions, region_sql())
    materialise(
        batch, eligibility, eligibility_sql(program, batch.kind, months, conflict_table, regions)
    )
    materialise(batch, ranked, rank_sql(eligibility))
    view(batch, tag, outcome_sql(eligibility, ranked))
    view(batch, decisions_view(tag), decisions_sql(program, tag, batch.kind))
    return tag


def release(batch: BatchEngine, outcome: str) -> None:
    """Drop everything :func:`decide` made for ``outcome`` once it has been read."""
    views = (decisions_view(outcome), outcome)
    tables = [f"{outcome}_{part}" for part in ("urut", "wilayah", "layak", "konflik")]
    for name in views:
        batch.execute(f"DROP VIEW IF EXISTS {name}")
    for name in tables:
        if batch.kind == "spark":
            batch.execute(f"UNCACHE TABLE IF EXISTS {name}")
            batch.execute(f"DROP VIEW IF EXISTS {name}")
        else:
            batch.execute(f"DROP TABLE IF EXISTS {name}")


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
