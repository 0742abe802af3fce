"""What a family profile is made of, named once for welfare and targeting.

Both the welfare profile (PMT proxies, deprivation) and the targeting profile (what a
programme's rules test) describe a family by its dwelling and assets and by counts of
its members. The columns and the count conditions live here; each consumer keeps the
output names its users and exports already know, mapped at its edge.

Both read the same member rows (:func:`members_sql`): one age expression, the coded
columns as integers, and a person registered in several families counted once, in the
family of their newest registration (:func:`shared_sql`).
"""

from __future__ import annotations

import datetime as dt

from terpadu.engine.dialects import age_sql
from terpadu.layouts import ANGGOTA_COLUMNS

#: Coded dwelling columns of the registry's family row (docs/formats.md codes; ``daya_listrik`` in VA).
DWELLING_CODES: tuple[str, ...] = (
    "status_bangunan",
    "jenis_lantai",
    "jenis_dinding",
    "jenis_atap",
    "sumber_air_minum",
    "sumber_penerangan",
    "daya_listrik",
    "bahan_bakar_masak",
    "fasilitas_bab",
)

#: Asset ownership flags (0/1) of the family row.
ASSETS: tuple[str, ...] = (
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
)

#: Every dwelling and asset column, in the registry's order (floor area after tenure, land
#: and livestock last): the order decision files and exports show them in.
DWELLING_AND_ASSETS: tuple[str, ...] = (
    DWELLING_CODES[0],
    "luas_lantai",
    *DWELLING_CODES[1:],
    *ASSETS,
    "luas_lahan",
    "jumlah_ternak",
)

#: DISABILITAS codes that name a disability (docs/formats.md: 0 is "tidak"; any other value is
#: not a code and counts as no disability).
DISABILITY_CODES: tuple[int, ...] = tuple(
    sorted(code for c in ANGGOTA_COLUMNS if c.target == "disabilitas" for code in c.codes if code)
)
_DISABLED = f"disabilitas IN ({', '.join(str(c) for c in DISABILITY_CODES)})"

#: Every member count of a family profile, as a condition over one row of
#: :func:`members_sql` (``umur`` in completed years at the reference date; a negative age,
#: a birth after that date, is in no age band). One name and one definition each: welfare
#: reads these names, targeting maps its ``n_*`` names onto them.
MEMBER_COUNTS: dict[str, str] = {
    "anak_0_6": "umur BETWEEN 0 AND 6",
    "anak_7_12": "umur BETWEEN 7 AND 12",
    "anak_13_15": "umur BETWEEN 13 AND 15",
    "anak_16_18": "umur BETWEEN 16 AND 18",
    "anak_tidak_sekolah": "umur BETWEEN 7 AND 18 AND partisipasi_sekolah IN (0, 2)",
    "usia_kerja": "umur BETWEEN 15 AND 64",
    "tanggungan": "(umur BETWEEN 0 AND 14 OR umur >= 65)",
    "lansia": "umur >= 60",
    "lansia_70": "umur >= 70",
    "jumlah_pekerja": "umur >= 15 AND status_pekerjaan BETWEEN 1 AND 6",
    "dewasa_tanpa_ijazah": "umur >= 19 AND pendidikan_tertinggi = 0",
    "jumlah_disabilitas": _DISABLED,
    # A severe disability is a disability first: the flag alone, without a type, is not one.
    "jumlah_disabilitas_berat": f"{_DISABLED} AND disabilitas_berat = 1",
    "jumlah_penyakit_kronis": "penyakit_kronis = 1",
    "jumlah_hamil": "hamil = 1",
}


#: Who heads a family: the member with relation 1 (kepala keluarga); where none has it (a
#: data fault), the oldest member stands in. Welfare (the head's age, diploma, work) and
#: targeting (a woman heads the family) read the same head.
HEAD_ORDER = "CASE WHEN hub = 1 THEN 0 ELSE 1 END, umur DESC NULLS LAST, person_id"


def member_count(name: str, when: str | None = None) -> str:
    """The aggregate counting the members of :data:`MEMBER_COUNTS` ``name`` (0, never NULL)."""
    condition = MEMBER_COUNTS[name] if when is None else f"{when} AND {MEMBER_COUNTS[name]}"
    return f"count(CASE WHEN {condition} THEN 1 END)"


def _int(column: str) -> str:
    return f"CAST(p.{column} AS INT)"


def _living(persons: str, flags: str | None) -> tuple[str, str]:
    """The FROM and WHERE of the registrations that count: active, in a family, not dead."""
    if flags is None:
        return f"{persons} p", "p.status = 'aktif' AND p.family_id IS NOT NULL"
    return (
        f"{persons} p LEFT JOIN {flags} fl ON fl.person_id = p.id",
        "p.status = 'aktif' AND p.family_id IS NOT NULL AND coalesce(fl.meninggal, 0) = 0",
    )


def shared_sql(persons: str = "persons", flags: str | None = None) -> str:
    """(identity key, family, registration, home family) for persons registered in more than
    one family.

    The identity key ``pkey`` is ``R<resolved PERSON_ID>``, else ``N<NIK>``. A person counts
    once, in the family of their newest registration (the highest person id: registrations
    are numbered as they arrive, so this is the membership a later batch reported, and after
    ``terpadu link`` the resolved person's latest one): ``home_family_id``. Grouped on the
    raw identity (resolved PERSON_ID, else NIK; -1 and '' stand for "none", neither being a
    valid id or NIK) rather than on the ``pkey`` string, which is built only for the few
    shared identities. ``flags`` (``person_id, meninggal``), when given, leaves out the dead.
    """
    source, where = _living(persons, flags)
    return f"""
        WITH k AS (
            SELECT p.id AS person_id, p.family_id, coalesce(p.resolved_person_id, -1) AS rid,
                   CASE WHEN p.resolved_person_id IS NULL THEN p.nik ELSE '' END AS nk
            FROM {source}
            WHERE {where}
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


def foreign_sql(shared: str) -> str:
    """Registrations that count in another family (their identity's home), from the table or
    subquery ``shared`` (:func:`shared_sql`)."""
    return (
        f"SELECT person_id, family_id, home_family_id FROM {shared} "
        "WHERE family_id <> home_family_id"
    )


def members_sql(
    reference: dt.date,
    persons: str = "persons",
    *,
    foreign: str | None = None,
    flags: str | None = None,
    heads: bool = True,
) -> str:
    """One row per registration that counts (active, in a family, not dead), as the member
    counts read it: ids, ``nik``, ``hub`` (the membership's relation), the coded columns as
    integers, ``umur``, ``asing`` and ``kepala`` (1 for the family's head, :data:`HEAD_ORDER`;
    left out with ``heads=False``, sparing a sort of every member when no head is read).

    ``asing`` is 1 for a registration of a person who counts in another family: it is in no
    count of this one. ``foreign`` names the table (or parenthesised subquery) of such
    registrations (:func:`foreign_sql`);
    without it they are found here from ``persons``. ``flags`` (``person_id, nik_ditolak,
    meninggal``, civil-registry findings) adds ``nik_ditolak`` and leaves out the dead.
    """
    if foreign is None:
        foreign = f"({foreign_sql(f'({shared_sql(persons, flags)}) s')})"
    source, where = _living(persons, flags)
    rejected = ", coalesce(fl.nik_ditolak, 0) AS nik_ditolak" if flags is not None else ""
    rows = f"""
        SELECT CAST(p.id AS BIGINT) AS person_id, CAST(p.family_id AS BIGINT) AS family_id,
               p.nik, CAST(coalesce(p.membership_hub, p.hub_keluarga) AS INT) AS hub,
               {_int("jenis_kelamin")} AS jenis_kelamin, {_int("status_kawin")} AS status_kawin,
               {_int("partisipasi_sekolah")} AS partisipasi_sekolah,
               {_int("pendidikan_tertinggi")} AS pendidikan_tertinggi,
               {_int("status_pekerjaan")} AS status_pekerjaan,
               coalesce({_int("disabilitas")}, 0) AS disabilitas,
               coalesce({_int("disabilitas_berat")}, 0) AS disabilitas_berat,
               coalesce({_int("penyakit_kronis")}, 0) AS penyakit_kronis,
               coalesce({_int("hamil")}, 0) AS hamil,
               {age_sql("p.tgl_lahir", reference)} AS umur{rejected},
               CASE WHEN x.person_id IS NULL THEN 0 ELSE 1 END AS asing
        FROM {source} LEFT JOIN {foreign} x ON x.person_id = p.id
        WHERE {where}
    """
    if not heads:
        return rows
    return f"""
        SELECT m.*,
               CASE WHEN asing = 0 AND row_number() OVER (
                        PARTITION BY family_id, asing ORDER BY {HEAD_ORDER}) = 1
                    THEN 1 ELSE 0 END AS kepala
        FROM ({rows}) m
    """
