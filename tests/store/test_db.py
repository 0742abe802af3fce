"""Engines: PostgreSQL plans every query for its own parameter values."""

from __future__ import annotations

from sqlalchemy import Engine, text


def test_repeated_queries_are_not_prepared_on_postgresql(engine: Engine) -> None:
    """A prepared LIKE '%word%' would get a generic plan that scans the whole table."""
    with engine.connect() as conn:
        for word in ("siti", "ahmad", "budi", "joko", "rina", "agus", "dewi", "eko"):
            conn.execute(
                text("SELECT count(*) FROM person WHERE lower(nama) LIKE :w"), {"w": f"%{word}%"}
            )
        if engine.dialect.name == "postgresql":
            prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
            assert prepared == 0
