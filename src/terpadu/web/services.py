"""Operations shared by the API and the pages, each checked against the user's region."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, text

from terpadu.access import Disclosure, disclosure
from terpadu.editions import EditionExists
from terpadu.regions import RegionCodeError, is_within, normalize_code
from terpadu.registry import AmbiguousFamily, region_name, resolve_family
from terpadu.store.ids import family_code, parse_code, person_code
from terpadu.targeting.reads import ProgramResult
from terpadu.targeting.reads import program_results as read_program_results
from terpadu.verval import (
    VervalError,
    add_comment,
    bulk_decide,
    create_proposal,
    decide,
    get_proposal,
    list_proposals,
)
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.errors import (
    ConflictError,
    InvalidProposal,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from terpadu.verval.inbox import ProposalSummary
from terpadu.web.auth import WebUser
from terpadu.web.errors import WebError, refusal

NOT_FOUND = "Data tidak ditemukan atau di luar wilayah kerja Anda."


def not_found(what: str = NOT_FOUND) -> WebError:
    return WebError(404, "not_found", what)


@contextmanager
def verval_errors() -> Iterator[None]:
    """Answer the workflow's errors with their HTTP status and the operator's message."""
    try:
        yield
    except NotFound as exc:
        raise WebError(404, "not_found", str(exc)) from exc
    except PermissionDenied as exc:
        raise refusal(exc) from exc
    except (ConflictError, EditionExists) as exc:
        raise WebError(409, "conflict", str(exc)) from exc
    except InvalidTransition as exc:
        raise WebError(409, "invalid_transition", str(exc)) from exc
    except InvalidProposal as exc:
        raise WebError(422, "invalid_proposal", str(exc)) from exc
    except VervalError as exc:
        raise WebError(400, "verval_error", str(exc)) from exc


def family_id_or_404(engine: Engine, user: WebUser, ref: str) -> int:
    """The family's id for a FAMILY_ID or ID_KELUARGA in scope; 404 outside, 409 if ambiguous."""
    try:
        found = resolve_family(engine, user, ref)
    except AmbiguousFamily as exc:
        raise WebError(
            409,
            "ambiguous_id_keluarga",
            f"ID_KELUARGA {ref} dipakai oleh beberapa keluarga dari sumber berbeda; "
            "pakai FAMILY_ID.",
            details=[dataclasses.asdict(choice) for choice in exc.choices],
        ) from exc
    if found is None:
        raise not_found()
    return found


def proposal_region_or_404(engine: Engine, user: WebUser, proposal_id: int) -> str:
    with engine.connect() as conn:
        code = conn.execute(
            text("SELECT kode_wilayah FROM proposal WHERE id = :id"), {"id": proposal_id}
        ).scalar()
    if code is None or not user.covers(code):
        raise not_found()
    return str(code)


def summary_dict(summary: ProposalSummary, shown: Disclosure) -> dict[str, Any]:
    data = dataclasses.asdict(summary)
    data["family_id"] = family_code(summary.family_id) if summary.family_id else None
    data["person_id"] = person_code(summary.person_id) if summary.person_id else None
    data["kode_wilayah"] = shown.region(summary.kode_wilayah)
    return data


def proposals_page(
    engine: Engine,
    user: WebUser,
    *,
    state: str | None,
    workflow: WorkflowConfig,
    waiting_for_me: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    with verval_errors():
        rows = list_proposals(
            engine, user.actor, state=state, waiting_for_me=waiting_for_me, config=workflow
        )
    rows = [r for r in rows if user.covers(r.kode_wilayah)]
    rows.reverse()  # newest first
    shown = disclosure(user)
    return [summary_dict(r, shown) for r in rows[offset : offset + limit]], len(rows)


def proposal_detail(
    engine: Engine, user: WebUser, proposal_id: int, *, workflow: WorkflowConfig
) -> dict[str, Any]:
    """A proposal with its payload, result, steps and comments as ``user`` may see them:
    personal fields (old and new values of a correction too) and NIKs typed in notes are
    masked for masked roles."""
    proposal_region_or_404(engine, user, proposal_id)
    with verval_errors():
        detail = get_proposal(engine, user.actor, proposal_id, config=workflow)
    shown = disclosure(user)
    data = summary_dict(detail.summary, shown)
    data.update(
        payload=shown.record(detail.payload),
        reason=detail.reason,
        note=shown.text(detail.note),
        levels=detail.levels,
        stage=detail.stage,
        batch_id=detail.batch_id,
        result=shown.record(detail.result),
        steps=shown.record(detail.steps),
        comments=shown.record(detail.comments),
        evidence=shown.record(detail.evidence),
    )
    return data


def person_id_of(ref: str | None) -> int | None:
    if not ref:
        return None
    parsed = parse_code(ref)
    if parsed is None or parsed[0] != "person":
        raise WebError(
            422, "invalid_person_id", f"PERSON_ID {ref} tidak dikenal (contoh ORG0000000001)."
        )
    return parsed[1]


def new_proposal(
    engine: Engine,
    user: WebUser,
    *,
    kind: str,
    family_ref: str | None,
    person_ref: str | None,
    values: dict[str, Any] | None,
    members: list[dict[str, Any]] | None,
    reason: str | None,
    note: str | None,
    workflow: WorkflowConfig,
) -> dict[str, Any]:
    family_id = family_id_or_404(engine, user, family_ref) if family_ref else None
    person_id = person_id_of(person_ref)
    if kind == "new_family":
        code = str((values or {}).get("kode_wilayah") or "")
        try:
            inside = bool(code) and user.covers(normalize_code(code))
        except RegionCodeError:
            inside = True  # let the workflow explain the bad code
        if code and not inside:
            raise WebError(403, "forbidden", f"Wilayah {code} di luar wilayah kerja Anda.")
    with verval_errors():
        proposal_id = create_proposal(
            engine,
            user.actor,
            kind,
            family_id=family_id,
            person_id=person_id,
            values=values,
            members=members,
            reason=reason,
            note=note,
        )
        summary = get_proposal(engine, user.actor, proposal_id, config=workflow).summary
    return summary_dict(summary, disclosure(user))


def decide_one(
    engine: Engine,
    user: WebUser,
    proposal_id: int,
    action: str,
    *,
    workflow: WorkflowConfig,
    note: str | None = None,
    expected_version: int | None = None,
    family_version: int | None = None,
) -> dict[str, Any]:
    proposal_region_or_404(engine, user, proposal_id)
    with verval_errors():
        summary = decide(
            engine,
            user.actor,
            proposal_id,
            action,
            note=note,
            expected_version=expected_version,
            family_version=family_version,
            config=workflow,
        )
    return summary_dict(summary, disclosure(user))


def decide_many(
    engine: Engine,
    user: WebUser,
    ids: Iterable[int],
    action: str,
    note: str | None,
    *,
    workflow: WorkflowConfig,
) -> list[dict[str, Any]]:
    visible: list[int] = []
    hidden: list[dict[str, Any]] = []
    for pid in dict.fromkeys(ids):
        try:
            proposal_region_or_404(engine, user, pid)
            visible.append(pid)
        except WebError:
            hidden.append({"proposal_id": pid, "ok": False, "state": None, "message": NOT_FOUND})
    with verval_errors():
        outcomes = (
            bulk_decide(engine, user.actor, visible, action, note=note, config=workflow)
            if visible
            else []
        )
    return [dataclasses.asdict(o) for o in outcomes] + hidden


def comment(engine: Engine, user: WebUser, proposal_id: int, body: str) -> None:
    proposal_region_or_404(engine, user, proposal_id)
    with verval_errors():
        add_comment(engine, user.actor, proposal_id, body)


def scoped_region(user: WebUser, region: str | None) -> str:
    """A region code within the user's scope ('' for the whole country); 404 outside."""
    if not region or region == "nasional":
        return user.region or ""
    try:
        code = normalize_code(region)
    except RegionCodeError as exc:
        raise WebError(422, "invalid_region", str(exc)) from exc
    if user.region and not is_within(code, user.region):
        raise not_found()
    return code


def poverty(engine: Engine, user: WebUser, region: str | None) -> dict[str, Any]:
    # imported here: welfare loads NumPy and Arrow, which other pages skip
    from terpadu.welfare import NoRanking, poverty_profile

    code = scoped_region(user, region)
    try:
        profile = poverty_profile(engine, code or "nasional")
    except NoRanking as exc:
        raise WebError(404, "no_ranking", str(exc)) from exc
    data = dataclasses.asdict(profile)
    data["region_name"] = data.get("region_name") or region_name(code) or "Nasional"
    return data


# The registry field behind each comparison of a linkage explanation (its left/right values).
_EXPLAINED_FIELDS = {
    "nik": "nik",
    "dob": "tgl_lahir",
    "household": "nama_ibu_kandung",
    "region": "kode_wilayah",
}


def _shown_explanation(shown: Disclosure, explanation: Any) -> Any:
    """A review pair's explanation with the compared values masked like the fields they are."""
    if shown.full or not isinstance(explanation, list):
        return shown.record(explanation)
    out = []
    for item in explanation:
        if not isinstance(item, dict):
            out.append(shown.record(item))
            continue
        field = _EXPLAINED_FIELDS.get(str(item.get("comparison")))
        item = dict(item)
        for side in ("left", "right"):
            value = item.get(side)
            item[side] = shown.field(field, value) if field else shown.record(value)
        out.append(shown.record(item))
    return out


def review_pairs(
    engine: Engine, user: WebUser, *, limit: int = 20, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Pending linkage review pairs in scope, each with both registrations side by side
    (personal fields as ``user`` may see them)."""
    shown = disclosure(user)
    scope = {"scope": f"{user.region_prefix}%"}
    where = "state = 'pending' AND COALESCE(kode_wilayah, '') LIKE :scope"
    with engine.connect() as conn:
        total = conn.execute(
            text(f"SELECT count(*) FROM review_pair WHERE {where}"), scope
        ).scalar_one()
        pairs = conn.execute(
            text(
                "SELECT id, person_a, person_b, match_probability, kode_wilayah, state, explanation "
                f"FROM review_pair WHERE {where} ORDER BY match_probability DESC, id "
                "LIMIT :limit OFFSET :offset"
            ),
            {**scope, "limit": limit, "offset": offset},
        ).all()
        out = []
        for p in pairs:
            sides = []
            for pid in (p.person_a, p.person_b):
                r = conn.execute(
                    text(
                        "SELECT p.id, p.nik, p.nama, p.tgl_lahir, p.jenis_kelamin, "
                        "p.nama_ibu_kandung, p.tempat_lahir, f.id AS fid, f.kode_wilayah, f.no_kk "
                        "FROM person p LEFT JOIN membership m ON m.person_id = p.id "
                        "AND m.left_at IS NULL LEFT JOIN family f ON f.id = m.family_id "
                        "WHERE p.id = :id"
                    ),
                    {"id": pid},
                ).first()
                if r is None or (user.region and not user.covers(r.kode_wilayah)):
                    sides.append({"person_id": person_code(pid), "hidden": True})
                    continue
                sides.append(
                    {
                        "person_id": person_code(r.id),
                        "nik": shown.nik(r.nik),
                        "nama": r.nama,
                        "tgl_lahir": shown.birth_date(str(r.tgl_lahir) if r.tgl_lahir else None),
                        "jenis_kelamin": r.jenis_kelamin,
                        "nama_ibu_kandung": shown.hidden(r.nama_ibu_kandung),
                        "tempat_lahir": r.tempat_lahir,
                        "family_id": family_code(r.fid) if r.fid else None,
                        "kode_wilayah": shown.region(r.kode_wilayah),
                        "no_kk": shown.kk(r.no_kk),
                    }
                )
            explanation = p.explanation
            if isinstance(explanation, str):
                import json

                explanation = json.loads(explanation)
            out.append(
                {
                    "id": p.id,
                    "match_probability": float(p.match_probability),
                    "kode_wilayah": shown.region(p.kode_wilayah),
                    "state": p.state,
                    "left": sides[0],
                    "right": sides[1],
                    "explanation": _shown_explanation(shown, explanation),
                }
            )
    return out, int(total)


def program_results(engine: Engine, user: WebUser) -> list[ProgramResult]:
    return read_program_results(engine, user.region)
