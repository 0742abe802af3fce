"""Set-wise integrity checks for the references bulk tables keep without constraints.

Family, person and membership rows are bulk-loaded without per-row foreign-key
checks (see models.registry._Provenance). These queries find any reference
that points nowhere, and any person with more than one open membership.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

CHECKS: dict[str, str] = {
    "membership_person_missing": (
        "SELECT m.id FROM membership m LEFT JOIN person p ON p.id = m.person_id WHERE p.id IS NULL"
    ),
    "membership_family_missing": (
        "SELECT m.id FROM membership m LEFT JOIN family f ON f.id = m.family_id WHERE f.id IS NULL"
    ),
    "family_source_missing": (
        "SELECT f.id FROM family f LEFT JOIN source s ON s.id = f.source_id WHERE s.id IS NULL"
    ),
    "person_source_missing": (
        "SELECT p.id FROM person p LEFT JOIN source s ON s.id = p.source_id WHERE s.id IS NULL"
    ),
    "family_batch_missing": (
        "SELECT f.id FROM family f LEFT JOIN batch_file b ON b.id = f.file_id "
        "WHERE b.id IS NULL OR b.batch_id <> f.batch_id"
    ),
    "person_batch_missing": (
        "SELECT p.id FROM person p LEFT JOIN batch_file b ON b.id = p.file_id "
        "WHERE b.id IS NULL OR b.batch_id <> p.batch_id"
    ),
    "person_in_two_open_memberships": (
        "SELECT person_id FROM membership WHERE left_at IS NULL "
        "GROUP BY person_id HAVING count(*) > 1"
    ),
}


@dataclass(frozen=True)
class IntegrityProblem:
    check: str
    count: int
    examples: list[int]


def check_integrity(engine: Engine, examples: int = 5) -> list[IntegrityProblem]:
    """Every failed check with its count and a few offending ids; empty when sound."""
    problems: list[IntegrityProblem] = []
    with engine.connect() as conn:
        for name, sql in CHECKS.items():
            ids = [int(row[0]) for row in conn.execute(text(sql)).all()]
            if ids:
                problems.append(IntegrityProblem(name, len(ids), ids[:examples]))
    return problems
