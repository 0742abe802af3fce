"""Registrations: who appears in which family record, once or more.

Everyone is registered once in their own family. A share of people (the duplicate rate) is
registered again, the ways it happens in DTKS/Regsosek files:

- a whole family listed a second time by another survey or desa batch, with a member or two
  missing, sometimes under another KK number or at a new address;
- a married child still on the parents' card and also in the spouse's family or their own;
- an old parent listed with two of their children;
- someone who moved and was registered again where they live now, alone or with relatives.

A few of them appear a third or fourth time.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .households import CHILD, HEAD, IN_LAW, OTHER, PARENT
from .regions import Kabupaten, ddmmyy, with_serials

# Batch labels a registration family comes from: the first listing and later ones.
FIRST_BATCH = "DTKS"
LATER_BATCHES = ("REGSOSEK", "USULAN", "PPKE")


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k indices without replacement, in proportion to weights (Efraimidis-Spirakis keys)."""
    k = min(k, int((weights > 0).sum()))
    keys = np.where(
        weights > 0, np.log(rng.random(len(weights))) / np.maximum(weights, 1e-12), -np.inf
    )
    return np.argpartition(-keys, k - 1)[:k] if k > 0 else np.empty(0, dtype=np.int64)


def build_registrations(
    rng: np.random.Generator,
    kab: Kabupaten,
    families: pl.DataFrame,
    people: pl.DataFrame,
    duplicate_rate: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(registration families, registration rows); each row is one person in one family record."""
    n = people.height
    n_fam = families.height
    target = round(duplicate_rate * n)
    role = people["role"].to_numpy()
    age = people["age"].to_numpy()
    fam_of = people["family"].to_numpy()

    # Registration families: the true families first (ids 0..n_fam-1), then new records.
    reg_fam_true = list(range(n_fam))
    reg_fam_desa = list(families["desa"].to_numpy())
    reg_fam_kk = list(families["kk"].to_numpy())
    reg_fam_batch = [FIRST_BATCH] * n_fam

    rows_person = [np.arange(n)]
    rows_fam = [fam_of]
    rows_role = [role]

    chosen = np.zeros(n, dtype=bool)

    # 1. Whole families listed again (about 45 % of the people with a duplicate).
    family_target = int(0.45 * target)
    order = rng.permutation(n_fam)
    sizes = families["size"].to_numpy()[order]
    take = int(np.searchsorted(np.cumsum(sizes * 0.87), family_target))
    again = order[:take]
    new_ids = np.arange(n_fam, n_fam + take)
    moved = rng.random(take) < 0.25
    desa_new = np.where(moved, rng.choice(kab.desa, size=take), families["desa"].to_numpy()[again])
    kk_kind = rng.random(take)
    kk_old = families["kk"].to_numpy()[again]
    kk_new = _new_kk(rng, kab, take)
    kk = np.where(kk_kind < 0.55, kk_old, np.where(kk_kind < 0.75, "", kk_new))
    reg_fam_true += again.tolist()
    reg_fam_desa += desa_new.tolist()
    reg_fam_kk += kk.tolist()
    reg_fam_batch += rng.choice(LATER_BATCHES, size=take).tolist()
    if take:
        fam_map = np.full(n_fam, -1)
        fam_map[again] = new_ids
        members = np.flatnonzero(fam_map[fam_of] >= 0)
        keep = (role[members] == HEAD) | (rng.random(members.size) < 0.87)
        members = members[keep]
        chosen[members] = True
        rows_person.append(members)
        rows_fam.append(fam_map[fam_of[members]])
        rows_role.append(role[members])

    # 2. Individuals, weighted by how often each situation happens.
    remaining = max(target - int(chosen.sum()), 0)
    weight = np.select(
        [
            (role == CHILD) & (age >= 18) & (age <= 45),  # married child
            role == PARENT,  # old parent with two children
            (age >= 17) & (age <= 70),  # moved
            age < 17,
        ],
        [6.0, 4.0, 1.0, 0.15],
        default=0.5,
    )
    weight[chosen] = 0
    single = _weighted_sample(rng, weight, remaining)
    chosen[single] = True
    # 10 % of all duplicated people appear once more, 2 % twice more.
    dup_people = np.flatnonzero(chosen)
    third = dup_people[rng.random(dup_people.size) < 0.10]
    fourth = third[rng.random(third.size) < 0.2]
    extra = np.concatenate([single, third, fourth])

    joins_other = rng.random(extra.size) < np.where(role[extra] == PARENT, 0.9, 0.5)
    # Joining another family: a random family elsewhere (its first registration).
    host = rng.integers(0, n_fam, size=extra.size)
    host = np.where(host == fam_of[extra], (host + 1) % n_fam, host)
    # Or a new family of their own, in the same desa (60 %) or another.
    own = ~joins_other
    n_own = int(own.sum())
    own_ids = np.arange(len(reg_fam_true), len(reg_fam_true) + n_own)
    same_desa = rng.random(n_own) < 0.6
    own_desa = np.where(
        same_desa,
        families["desa"].to_numpy()[fam_of[extra[own]]],
        rng.choice(kab.desa, size=n_own),
    )
    reg_fam_true += [-1] * n_own
    reg_fam_desa += own_desa.tolist()
    reg_fam_kk += np.where(rng.random(n_own) < 0.5, _new_kk(rng, kab, n_own), "").tolist()
    reg_fam_batch += rng.choice(LATER_BATCHES, size=n_own).tolist()

    target_fam = host.copy()
    target_fam[own] = own_ids
    new_role = np.where(
        own,
        HEAD,
        np.select(
            [role[extra] == PARENT, (role[extra] == CHILD) & (age[extra] >= 18)],
            [PARENT, IN_LAW],
            default=OTHER,
        ),
    )
    rows_person.append(extra)
    rows_fam.append(target_fam)
    rows_role.append(new_role)

    reg_families = pl.DataFrame(
        {
            "reg_family": np.arange(len(reg_fam_true), dtype=np.int64),
            "true_family": np.asarray(reg_fam_true, dtype=np.int64),
            "desa": np.asarray(reg_fam_desa, dtype=str),
            "kk": np.asarray(reg_fam_kk, dtype=str),
            "batch": np.asarray(reg_fam_batch, dtype=str),
        }
    )
    rows = pl.DataFrame(
        {
            "person": np.concatenate(rows_person).astype(np.int64),
            "reg_family": np.concatenate(rows_fam).astype(np.int64),
            "reg_role": np.concatenate(rows_role).astype(np.int8),
        }
    )
    # A family record lists its head first, then the others in their order of listing.
    rows = (
        rows.with_columns(
            pl.when(pl.col("reg_role") == HEAD).then(0).otherwise(1).alias("_head_first")
        )
        .sort(["reg_family", "_head_first", "person"])
        .drop("_head_first")
    )
    return reg_families, rows


def _new_kk(rng: np.random.Generator, kab: Kabupaten, n: int) -> np.ndarray:
    """Fresh KK numbers (a new or split card), issued in recent years."""
    if n == 0:
        return np.empty(0, dtype=object)
    issued = np.datetime64("2019-01-01") + rng.integers(0, 6 * 365, n).astype("timedelta64[D]")
    prefix = pl.Series(rng.choice(kab.kecamatan, size=n).astype(str)) + ddmmyy(issued)
    # Serials from 5000 up keep them apart from the first cards of the same day.
    kk = with_serials(prefix, rng, max_start=40)
    shifted = kk.str.slice(0, 12) + (kk.str.slice(12, 4).cast(pl.Int32) + 5000).cast(pl.Utf8)
    return shifted.to_numpy().astype(object)
