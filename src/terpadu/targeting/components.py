"""PKH-style components: which members qualify, and the caps per person, component and family."""

from __future__ import annotations

from terpadu.engine.family import MEMBER_COUNTS
from terpadu.targeting.catalogue import Program

NO_CAP = 1_000_000

# Who qualifies, with the family profile's definitions where a component is one of its counts.
COMPONENT_BASE: dict[str, str] = {
    "hamil": MEMBER_COUNTS["jumlah_hamil"],
    "anak_usia_dini": MEMBER_COUNTS["anak_0_6"],
    "sd": "jenjang = 'sd'",
    "smp": "jenjang = 'smp'",
    "sma": "jenjang = 'sma'",
    "lansia": MEMBER_COUNTS["lansia_70"],
    "disabilitas_berat": MEMBER_COUNTS["jumlah_disabilitas_berat"],
}


def _component_predicate(program: Program, code: str) -> str:
    comp = next(c for c in program.components if c.code == code)
    base = COMPONENT_BASE[code]
    if comp.min_age is not None:
        base += f" AND umur >= {comp.min_age}"
    if comp.max_age is not None:
        base += f" AND umur <= {comp.max_age}"
    return f"({base})"


def components_sql(program: Program, members: str = "t_members") -> str:
    """Per family: components after the per-person, per-component and per-family caps.

    A person counts for one component (the highest amount); each component keeps at
    most ``cap`` persons (lowest person id first); the family keeps at most
    ``max_per_family`` components, highest amounts first. Only counts leave this
    query, so the caps are arithmetic on per-family counts (one GROUP BY, no window):
    taking components in (amount desc, file order), each keeps
    ``min(count, cap, room left under max_per_family)``.
    """
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
