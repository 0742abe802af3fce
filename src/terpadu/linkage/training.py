"""Unsupervised training that reports what went wrong instead of raising.

The steps are Splink's: the prior from near-certain rules, u by random sampling, m by
expectation maximisation on a few blocks. Each step may fail on a registry unlike the ones the
model was built on (no NIK at all, one desa, a level never observed); a failed step is noted
and the next one goes on, an EM block that fails is replaced by its alternative, an EM block
that reaches its iteration limit is noted. :mod:`terpadu.linkage.fallback` then judges the
result.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from terpadu.linkage import comparisons as C
from terpadu.linkage.blocking import Blocks
from terpadu.linkage.fallback import DEFAULT, Note, default_prior, prior_band

log = logging.getLogger(__name__)
_EM_LOGGER = "splink.internals.expectation_maximisation"
#: Clerks' "same" decisions needed before they count as an estimate of m.
MIN_SAME = 20
#: Random pairs drawn to estimate u.
U_SAMPLE = 2_000_000


@dataclass
class Training:
    """Trained settings (None when nothing usable came out) and what happened."""

    settings: dict[str, Any] | None
    notes: list[Note] = field(default_factory=list)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]


class _Iterations(logging.Handler):
    """Counts Splink's EM iteration lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Iteration "):
            self.count += 1


@contextmanager
def _count_iterations() -> Iterator[_Iterations]:
    logger = logging.getLogger(_EM_LOGGER)
    handler = _Iterations()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # counted here, not printed
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _prior(linker: Any) -> float:
    return float(linker._settings_obj._probability_two_random_records_match)


def _set_prior(linker: Any, value: float) -> None:
    linker._settings_obj._probability_two_random_records_match = value


def _estimate_prior(
    linker: Any, rules: list[Any], without_nik: list[Any], records: int, notes: list[Note]
) -> None:
    """The prior from near-certain rules; without NIKs from name, birth date and desa; else
    the default share of duplicates (EM divides by it, so it must be inside (0, 1))."""
    low, high = prior_band(records)
    attempts = [(rules, 0.8, None), (without_nik, 0.6, "prior_from_names")]
    for attempt, recall, code in attempts:
        try:
            linker.training.estimate_probability_two_random_records_match(attempt, recall=recall)
        except Exception as exc:  # any failure falls back to the next rule set
            notes.append(Note("prior_failed", (_first_line(exc),)))
            continue
        if low <= _prior(linker) <= high:
            if code:
                notes.append(Note(code))
            return
    notes.append(Note("prior_implausible", (f"{_prior(linker):.3g}",)))
    _set_prior(linker, default_prior(records))


def fit(
    linker: Any,
    *,
    records: int,
    generic: bool = False,
    seed: int = 42,
    present: set[str] | None = None,
    blocks: Blocks | None = None,
    same: Sequence[tuple[int, int]] = (),
) -> Training:
    """Fit the model on the linker's own data (no labels): prior, u by sampling, m by EM.

    ``present``: columns that hold values; EM blocks on absent columns (no mother's names, as
    in FEBRL) are replaced by their alternatives, as is a block whose EM fails. ``same``:
    pairs clerks decided are one person; with at least :data:`MIN_SAME` of them their levels
    are one more estimate of m (Splink takes the median of the estimates per level).
    """
    notes: list[Note] = []
    blocks = blocks or Blocks([])
    rules = [("nik", "dob")] if generic else C.deterministic_rules()
    _estimate_prior(
        linker,
        blocks.rules(rules),
        blocks.rules(C.deterministic_rules_without_nik()),
        records,
        notes,
    )
    sampled = 0
    try:
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE, seed=seed)
        sampled = min(U_SAMPLE, records * (records - 1) // 2)
    except Exception as exc:  # unset u levels take the default model's
        notes.append(Note("u_failed", (_first_line(exc),)))
    groups: list[list[tuple[str, ...]]] = (
        [[("nik",)], [("dob", "desa")]] if generic else C.training_rules()
    )
    limit = int(linker._settings_obj.training_settings.max_iterations)
    for alternatives in groups:
        usable = [cols for cols in alternatives if present is None or set(cols) <= present]
        done = False
        for cols in usable:
            name = "+".join(cols)
            try:
                with _count_iterations() as counted:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        blocks.rule(cols), estimate_without_term_frequencies=True
                    )
            except Exception as exc:  # try the alternative block
                notes.append(Note("em_failed", (name, _first_line(exc))))
                log.info("EM block %s failed: %s", name, exc)
                continue
            if counted.count >= limit:
                notes.append(Note("em_not_converged", (name,)))
            done = True
            break
        if not done:
            notes.append(Note("em_skipped", ("/".join("+".join(c) for c in alternatives),)))
    if len(same) >= MIN_SAME:
        _m_from_decisions(linker, same, notes)
    try:
        settings: dict[str, Any] = linker.misc.save_model_to_json(out_path=None)
    except Exception as exc:  # the caller falls back
        notes.append(Note("train_failed", (_first_line(exc),)))
        return Training(None, notes)
    return Training(unseen_u(discount_matches(settings), sampled), notes)


def _m_from_decisions(linker: Any, same: Sequence[tuple[int, int]], notes: list[Note]) -> None:
    import polars as pl

    labels = pl.DataFrame(
        {"unique_id_l": [a for a, _ in same], "unique_id_r": [b for _, b in same]},
        schema={"unique_id_l": pl.Int64, "unique_id_r": pl.Int64},
    ).to_pandas()  # both Splink back ends register pandas frames
    try:
        linker.table_management.register_table(labels, "terpadu_same_pairs", overwrite=True)
        linker.training.estimate_m_from_pairwise_labels("terpadu_same_pairs")
    except Exception as exc:  # the EM estimates stand alone
        notes.append(Note("train_failed", (_first_line(exc),)))
        return
    notes.append(Note("from_decisions", (str(len(same)),)))


def unseen_u(settings: dict[str, Any], sampled: int) -> dict[str, Any]:
    """u of the levels random sampling never drew (in place; returned): at most one in the
    ``sampled`` pairs, and no more than the default model's.

    A rare agreement such as two NIKs one digit apart may not occur once in two million random
    pairs of a large registry; the default model's u (fitted on a small registry) is then many
    times too large, and the level weighs bits too little. Without a sample (it failed) the
    level is left unset for the default model's value.
    """
    if sampled <= 0:
        return settings
    defaults: dict[str, dict[str, dict[str, float]]] = DEFAULT["levels"]
    for comparison in settings.get("comparisons", []):
        name = str(comparison.get("output_column_name", ""))
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level") or level.get("u_probability") is not None:
                continue
            default = defaults.get(name, {}).get(str(level.get("label_for_charts", "")))
            bound = 1.0 / sampled
            level["u_probability"] = min(bound, float(default["u"])) if default else bound
    return settings


def discount_matches(settings: dict[str, Any]) -> dict[str, Any]:
    """u without the true matches that random sampling also drew (in place; returned).

    A random pair is a match with probability λ (the prior), so the sampled share of a level
    is λ·m + (1 − λ)·u. For most levels λ·m is negligible; for an exact NIK it is most of what
    was sampled (about two same-NIK pairs per million random pairs at 100,000 registrations
    are true duplicates), and leaving it in makes the NIK weigh two bits too little. The
    correction is bounded: u falls at most tenfold.
    """
    prior = settings.get("probability_two_random_records_match")
    if not isinstance(prior, int | float) or not 0 < prior < 1:
        return settings
    for comparison in settings.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or not isinstance(m, int | float):
                continue
            if isinstance(u, int | float) and u > 0:
                level["u_probability"] = max((u - prior * m) / (1 - prior), u / 10)
    return settings
