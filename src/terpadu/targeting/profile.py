"""The targeting profile: one row per family of what programme rules test, both recipients.

Inputs, registered on the batch engine under these names:

- ``families``, ``persons``: a registry snapshot (``terpadu.engine.write_snapshot``);
- ``t_welfare``: ``family_id, desil, persentil, pmt_score, skor_deprivasi,
  miskin_multidimensi`` (the current welfare ranking);
- ``t_flags``: ``person_id, nik_ditolak, meninggal`` (civil-registry findings; may be empty).

:func:`prepare` builds the family profiles and the shared-identity table once, for every
programme (the members stay a view, read in one pass per use). Everything is set-wise SQL,
no per-family Python and no per-person window function.
"""

from __future__ import annotations

import datetime as dt

from terpadu.education import diploma_too_young_sql
from terpadu.engine import BatchEngine
from terpadu.engine.family import (
    DWELLING_AND_ASSETS,
    MEMBER_COUNTS,
    foreign_sql,
    shared_sql,
)
from terpadu.engine.family import members_sql as _members
from terpadu.targeting.catalogue import FIELD_ALIASES

#: The family profile's member counts (``terpadu.engine.family``, shared with welfare) by the
#: ``n_*`` names programme files and decision files know them by (``catalogue.FIELD_ALIASES``).
SHARED_COUNTS: dict[str, str] = {column: count for count, column in FIELD_ALIASES.items()}

#: Member counts of the profile (the names programme files and decision files use), in the
#: column order of the decision files.
COUNTS: dict[str, str] = {
    "n_anak_0_6": MEMBER_COUNTS[SHARED_COUNTS["n_anak_0_6"]],
    "n_anak_sd": "jenjang = 'sd'",
    "n_anak_smp": "jenjang = 'smp'",
    "n_anak_sma": "jenjang = 'sma'",
    **{name: MEMBER_COUNTS[count] for name, count in SHARED_COUNTS.items()},
    "n_asn_tni_polri": "status_pekerjaan IN (5, 6, 7)",
    "n_tanpa_nik": "(nik IS NULL OR nik = '')",
}


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

    The family profile's member rows (``terpadu.engine.family.members_sql``) over the
    snapshot, with the civil-registry findings (``t_flags``) and the registrations that count
    in another family (``t_asing``): ``asing`` marks those, which are in no count or
    component of this family.
    """
    base = _members(reference_date, "persons", foreign="t_asing", flags="t_flags")
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
    dwelling = ", ".join(f"f.{c}" for c in DWELLING_AND_ASSETS)
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
                   max(CASE WHEN kepala = 1 AND jenis_kelamin = 2 THEN 1 ELSE 0 END)
                       AS kepala_perempuan,
                   min({recipient_key("ibu")}) AS k_ibu,
                   min({recipient_key("kepala")}) AS k_kepala,
                   min({stand_in_key("ibu")}) AS g_ibu,
                   min({stand_in_key("kepala")}) AS g_kepala
            FROM {members} GROUP BY family_id
        ) a ON a.family_id = f.id
    """


def prepare(batch: BatchEngine, reference_date: dt.date) -> None:
    """Family profiles, shared identities and region codes, computed once for every programme.

    The members stay a view over the snapshot: the profile, the shared identities and
    the components each read the few person columns they need in one pass.
    """
    batch.materialise("t_shared", shared_sql("persons", flags="t_flags"))
    batch.materialise("t_asing", foreign_sql("t_shared"))
    batch.view("t_members", members_sql(reference_date))
    batch.view("t_people", people_sql())
    batch.materialise("t_profile", profile_sql())
    batch.materialise(
        "t_kode",
        "SELECT DISTINCT kode_wilayah FROM t_profile WHERE kode_wilayah IS NOT NULL",
    )
