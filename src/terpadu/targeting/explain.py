"""``terpadu explain``: for every programme, why a family is in or out.

For a programme with a current run the answer comes from that run's stored
decisions (the values it saw, its rank against the quota cut); for a programme
never run the family is evaluated now against the catalogue's rules on its own
registry rows (no rank: there is no quota run to rank against).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import Engine, text

from terpadu.engine import DuckDBEngine
from terpadu.locale import DEFAULT_LANGUAGE, Phrase, has_text
from terpadu.locale import text as text_for
from terpadu.store.ids import family_code, parse_code
from terpadu.store.models import Family, Person
from terpadu.targeting.catalogue import (
    PROFILE_FIELDS,
    Catalogue,
    Condition,
    Program,
    load_catalogue,
    parse_program,
)
from terpadu.targeting.holds import counted_elsewhere, fix_phrases
from terpadu.targeting.inputs import TargetingError, civil_registry_flags, welfare_table
from terpadu.targeting.rules import REASON_LABELS, reason_label

#: The explanation's own words in the catalogue (shared by ``terpadu explain`` and the page).
_WORDS = "console.explain"

DECISION_LABELS = {
    "terdaftar": "TERDAFTAR (masuk kuota)",
    "di_bawah_batas_kuota": "LAYAK, tetapi di bawah batas kuota",
    "di_luar_wilayah_kuota": "LAYAK, tetapi tidak ada kuota untuk wilayahnya",
    "tidak_layak": "TIDAK LAYAK",
    "tertahan_data": "TERTAHAN DATA (layak, tetapi datanya harus diperbaiki dulu)",
    "layak_belum_dialokasikan": "LAYAK menurut aturan (program belum dialokasikan)",
}


@dataclass(frozen=True)
class RuleCheck:
    """One rule, the family's value(s), and whether it passed: phrases the face says in
    its reader's language (``rule`` and ``value`` are the Bahasa Indonesia words)."""

    rule_words: Phrase
    value_words: tuple[Phrase, ...]
    passed: bool

    def rule_in(self, language: str) -> str:
        return self.rule_words.say(language)

    def value_in(self, language: str) -> str:
        return "; ".join(v.say(language) for v in self.value_words)

    @property
    def rule(self) -> str:
        return self.rule_in(DEFAULT_LANGUAGE)

    @property
    def value(self) -> str:
        return self.value_in(DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class ProgramExplanation:
    """Why a family is in or out of one programme."""

    program: str
    name: str
    version: str
    period: str | None
    run_id: int | None
    decision: str  # terdaftar, di_bawah_batas_kuota, di_luar_wilayah_kuota, tidak_layak, ...
    reasons: list[tuple[str, str]]  # (code, Bahasa label)
    checks: list[RuleCheck]
    rank: int | None = None
    quota_region: str | None = None
    quota: int | None = None
    filled: int | None = None
    eligible_in_region: int | None = None
    nominal: int | None = None
    components: str | None = None
    fixes: list[Phrase] = field(default_factory=list)  # what to fix: held, or a stand-in

    @property
    def label(self) -> str:
        return DECISION_LABELS.get(self.decision, self.decision)

    def decision_in(self, language: str) -> str:
        """The decision in ``language`` (the catalogue's words, else the code's label)."""
        key = f"pages.decision.{self.decision}"
        return text_for(key, language) if has_text(key) else self.label


@dataclass(frozen=True)
class FamilyExplanation:
    family_id: int
    family_code: str
    id_keluarga: str
    kode_wilayah: str
    status: str
    programs: list[ProgramExplanation] = field(default_factory=list)


def resolve_family(engine: Engine, key: str) -> int:
    """A family id from a FAMILY_ID (``KLG…``), an ID_KELUARGA or a database id."""
    parsed = parse_code(key)
    with engine.connect() as conn:
        if parsed is not None and parsed[0] == "family":
            row = conn.execute(
                text("SELECT id FROM family WHERE id = :i"), {"i": parsed[1]}
            ).first()
            if row is not None:
                return int(row[0])
            raise TargetingError(f"Keluarga {key} tidak ditemukan.")
        rows = conn.execute(
            text("SELECT id FROM family WHERE source_key = :k ORDER BY id"), {"k": key.strip()}
        ).all()
    if len(rows) == 1:
        return int(rows[0][0])
    if len(rows) > 1:
        codes = ", ".join(family_code(int(r[0])) for r in rows)
        raise TargetingError(
            f"ID_KELUARGA {key} dipakai beberapa keluarga ({codes}); sebutkan FAMILY_ID."
        )
    raise TargetingError(f"Keluarga {key} tidak ditemukan (FAMILY_ID atau ID_KELUARGA).")


def _passes(condition: Condition, row: dict[str, Any]) -> bool:
    if condition.any_of:
        return any(_passes(c, row) for c in condition.any_of)
    value = row.get(condition.field or "")
    if value is None:
        return False
    op, target = condition.op, condition.value
    if op == "in":
        return bool(value in target)
    if op == "not in":
        return bool(value not in target)
    if op == "between":
        return bool(target[0] <= value <= target[1])
    return bool(
        {
            "<": value < target,
            "<=": value <= target,
            ">": value > target,
            ">=": value >= target,
            "==": value == target,
            "!=": value != target,
        }[op or "=="]
    )


def _values(condition: Condition, row: dict[str, Any]) -> tuple[Phrase, ...]:
    if condition.any_of:
        return tuple(v for c in condition.any_of for v in _values(c, row))
    field_name = condition.field or ""
    return (Phrase.of(f"{_WORDS}.field_value", field=field_name, value=row.get(field_name)),)


def desil_source(row: dict[str, Any]) -> Phrase:
    """Which desil the rules used: the national DTSEN one, or the registry-relative one."""
    source = row.get("sumber_desil")
    if source == "nasional":
        relative = row.get("desil_relatif")
        if relative is None:
            return Phrase.of(f"{_WORDS}.desil_national")
        return Phrase.of(f"{_WORDS}.desil_national_relative", relative=relative)
    if source == "relatif" or (source is None and row.get("desil") is not None):
        return Phrase.of(f"{_WORDS}.desil_relative")
    return Phrase.of(f"{_WORDS}.desil_none")


def _status(value: Any) -> Phrase:
    key = f"reports.record_status.{value}"
    return Phrase.of(key) if has_text(key) else Phrase.as_written(str(value))


def _exclusion_values(code: str, program: Program, row: dict[str, Any]) -> Phrase:
    """The values an exclusion rule looked at."""
    if code == "asn_tni_polri":
        return Phrase.of(f"{_WORDS}.value_asn", count=row.get("n_asn_tni_polri"))
    if code == "meninggal":
        return Phrase.of(f"{_WORDS}.value_alive", count=row.get("jumlah_anggota"))
    if code in ("nik_ditolak", "tanpa_nik"):
        return Phrase.of(f"{_WORDS}.value_nik", nik=row.get("nik_penerima"))
    return Phrase.of(f"{_WORDS}.value_conflicts", programs=", ".join(program.conflicts) or "-")


def exclusion_rule(code: str) -> Phrase:
    """ "not: <the exclusion>" in words (the catalogue's, else the code's Bahasa label)."""
    key = f"pages.reason.{code}"
    what = Phrase.of(key) if has_text(key) else Phrase.as_written(REASON_LABELS.get(code, code))
    return Phrase.of("pages.rule_not", rule=what)


def rule_checks(program: Program, row: dict[str, Any]) -> list[RuleCheck]:
    """Each rule of ``program`` against a decisions row: the rule, the values, pass/fail."""
    reasons = set(filter(None, str(row.get("alasan") or "").split(";")))
    low, high = program.desil
    checks = [
        RuleCheck(
            Phrase.of("pages.rule_family_active"),
            (_status(row.get("status_keluarga")),),
            "keluarga_nonaktif" not in reasons,
        ),
        RuleCheck(
            Phrase.of(f"{_WORDS}.rule_desil", low=low, high=high),
            (
                Phrase.of(
                    f"{_WORDS}.desil_values",
                    desil=row.get("desil"),
                    source=desil_source(row),
                    pmt=row.get("pmt_score"),
                    deprivation=row.get("skor_deprivasi"),
                ),
            ),
            not ({"desil", "belum_berperingkat"} & reasons),
        ),
    ]
    for condition in program.conditions:
        checks.append(
            RuleCheck(
                Phrase.as_written(condition.label),  # the office's own words for its rule
                _values(condition, row),
                f"syarat:{condition.code}" not in reasons,
            )
        )
    for code in program.exclusions:
        checks.append(
            RuleCheck(
                exclusion_rule(code),
                (_exclusion_values(code, program, row),),
                code not in reasons,
            )
        )
    checks.append(
        RuleCheck(
            Phrase.of("pages.rule_not_double"),
            counted_elsewhere(row.get("anggota_ganda")),
            "anggota_ganda" not in reasons,
        )
    )
    return checks


def _latest_runs(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, program, program_version, period, decisions_path, program_config "
                "FROM targeting_run "
                "WHERE is_current = 1 ORDER BY id"
            )
        ).all()
    return {r.program: r for r in rows}  # the newest current run per programme wins


def _from_run(
    program: Program, run: Any, family_id: int, engine: Engine
) -> ProgramExplanation | None:
    path = Path(run.decisions_path) if run.decisions_path else None
    if path is None or not path.exists():
        return None
    rows = pl.scan_parquet(path).filter(pl.col("family_id") == family_id).collect().to_dicts()
    if not rows:
        return None
    row = rows[0]
    reasons = [c for c in str(row.get("alasan") or "").split(";") if c]
    filled = eligible = None
    if row.get("kuota_wilayah"):
        with engine.connect() as conn:
            quota_row = conn.execute(
                text(
                    "SELECT terisi, layak FROM targeting_quota WHERE run_id = :r AND kode_wilayah = :k"
                ),
                {"r": run.id, "k": row["kuota_wilayah"]},
            ).first()
        if quota_row is not None:
            filled, eligible = int(quota_row[0]), int(quota_row[1])
    return ProgramExplanation(
        program=program.id,
        name=program.name,
        version=str(run.program_version),
        period=str(run.period),
        run_id=int(run.id),
        decision=str(row["keputusan"]),
        reasons=[(c, reason_label(c, program)) for c in reasons],
        checks=rule_checks(program, row),
        rank=row.get("peringkat"),
        quota_region=row.get("kuota_wilayah"),
        quota=row.get("kuota"),
        filled=filled,
        eligible_in_region=eligible,
        nominal=row.get("nominal") if row.get("terdaftar") else None,
        components=row.get("komponen"),
        fixes=fix_phrases(row),
    )


def family_tables(engine: Engine, family_id: int) -> tuple[pa.Table, pa.Table]:
    """The family and its current members in the snapshot layout (for a live evaluation)."""
    family_cols = [c.name for c in Family.__table__.columns]
    person_cols = [c.name for c in Person.__table__.columns]
    with engine.connect() as conn:
        fam = conn.execute(
            text(f"SELECT {', '.join(family_cols)} FROM family WHERE id = :i"), {"i": family_id}
        ).all()
        per = conn.execute(
            text(
                f"SELECT {', '.join('p.' + c for c in person_cols)}, m.family_id, "
                "m.hub_keluarga AS membership_hub FROM person p JOIN membership m "
                "ON m.person_id = p.id AND m.left_at IS NULL WHERE m.family_id = :i"
            ),
            {"i": family_id},
        ).all()
    families = pl.DataFrame([tuple(r) for r in fam], schema=family_cols, orient="row").drop("extra")
    persons = pl.DataFrame(
        [tuple(r) for r in per],
        schema=[*person_cols, "family_id", "membership_hub"],
        orient="row",
        infer_schema_length=None,
    ).drop("extra")
    persons = persons.with_columns(
        pl.col("tgl_lahir").cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False)
    )
    families = families.with_columns(
        [pl.col(c).cast(pl.Utf8) for c in families.columns if c.endswith("_at")]
    )
    persons = persons.with_columns(
        [pl.col(c).cast(pl.Utf8) for c in persons.columns if c.endswith("_at")]
    )
    return families.to_arrow(), persons.to_arrow()


def _live(engine: Engine, program: Program, family_id: int) -> ProgramExplanation:
    from terpadu.targeting.allocation import DECISION_COLUMNS, parse_period_span
    from terpadu.targeting.inputs import empty_flags
    from terpadu.targeting.profile import prepare
    from terpadu.targeting.rules import decide, decisions_view

    families, persons = family_tables(engine, family_id)
    welfare, _ = welfare_table(engine)
    flags, _ = civil_registry_flags(engine)
    today = dt.date.today()
    span = parse_period_span(str(today.year))
    batch = DuckDBEngine()
    try:
        batch.register_arrow("families", families)
        batch.register_arrow("persons", persons)
        batch.register_table("t_welfare", welfare)
        batch.register_table("t_flags", flags if flags.num_rows else empty_flags())
        batch.register_table(
            "t_existing",
            pa.table({"family_id": pa.array([], pa.int64()), "program": pa.array([], pa.string())}),
        )
        batch.register_table(
            "t_quota",
            pa.table({"kode": pa.array([], pa.string()), "kuota": pa.array([], pa.int64())}),
        )
        prepare(batch, today)
        table = decide(batch, program, span.months)
        rows = pl.from_arrow(
            batch.sql(f"SELECT {', '.join(DECISION_COLUMNS)} FROM {decisions_view(table)}")
        )
    finally:
        batch.close()
    assert isinstance(rows, pl.DataFrame)
    row = rows.to_dicts()[0]
    reasons = [c for c in str(row.get("alasan") or "").split(";") if c]
    return ProgramExplanation(
        program=program.id,
        name=program.name,
        version=program.version,
        period=None,
        run_id=None,
        decision="layak_belum_dialokasikan"
        if not reasons
        else "tertahan_data"
        if row.get("keputusan") == "tertahan_data"
        else "tidak_layak",
        reasons=[(c, reason_label(c, program)) for c in reasons],
        checks=rule_checks(program, row),
        components=row.get("komponen"),
        fixes=fix_phrases(row),
    )


def explain_family(
    engine: Engine,
    key: str,
    *,
    catalogue: Catalogue | None = None,
    programs_dir: Path | None = None,
) -> FamilyExplanation:
    """Why the family ``key`` (FAMILY_ID or ID_KELUARGA) is in or out of every programme."""
    family_id = resolve_family(engine, key)
    cat = catalogue or load_catalogue(programs_dir)
    with engine.connect() as conn:
        fam = conn.execute(
            text("SELECT source_key, kode_wilayah, status FROM family WHERE id = :i"),
            {"i": family_id},
        ).one()
    runs = _latest_runs(engine)
    explanations: list[ProgramExplanation] = []
    for program in cat:
        found = None
        if program.id in runs:
            run = runs[program.id]
            try:  # judge by the rules the run used, not today's file
                used = parse_program(run.program_config, program.path)
            except ValueError:
                used = program
            found = _from_run(used, run, family_id, engine)
        explanations.append(found or _live(engine, program, family_id))
    return FamilyExplanation(
        family_id=family_id,
        family_code=family_code(family_id),
        id_keluarga=str(fam.source_key),
        kode_wilayah=str(fam.kode_wilayah),
        status=str(fam.status),
        programs=explanations,
    )


__all__ = [
    "PROFILE_FIELDS",
    "FamilyExplanation",
    "ProgramExplanation",
    "RuleCheck",
    "exclusion_rule",
    "explain_family",
    "family_tables",
    "resolve_family",
    "rule_checks",
]
