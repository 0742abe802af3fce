"""Random draws the generators share: probit and logit draws on a welfare score, group picks."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from terpadu.synth._types import BoolArr, FloatArr, IntArr


def ordered(
    rng: np.random.Generator,
    score: FloatArr,
    loading: float,
    codes: tuple[int, ...],
    shares: tuple[float, ...],
    shift: FloatArr | None = None,
) -> IntArr:
    """Ordered-probit draw: codes listed poorest first, with the given population shares.

    The latent is ``loading * score + noise`` with unit variance, so ``loading`` is the
    correlation of the proxy's latent with the family's standardised permanent welfare.
    """
    x = loading * score + np.sqrt(1.0 - loading**2) * rng.standard_normal(len(score))
    if shift is not None:
        x = x + shift
    total = sum(shares)
    cum = np.cumsum(np.array(shares) / total)[:-1]
    cuts = np.array([NormalDist().inv_cdf(float(c)) for c in cum])
    k = np.searchsorted(cuts, x)
    out: IntArr = np.asarray(codes, dtype=np.int64)[k]
    return out


def binary(
    rng: np.random.Generator, score: FloatArr, loading: float, share: float | FloatArr
) -> BoolArr:
    """Probit draw with the given share of ones (scalar or per row)."""
    x = loading * score + np.sqrt(1.0 - loading**2) * rng.standard_normal(len(score))
    shares = np.broadcast_to(np.asarray(share, dtype=np.float64), score.shape)
    levels, which = np.unique(shares, return_inverse=True)
    cuts = np.array([NormalDist().inv_cdf(1.0 - float(np.clip(s, 1e-9, 1 - 1e-9))) for s in levels])
    out: BoolArr = x > cuts[which]
    return out


def logit(rng: np.random.Generator, util: FloatArr) -> IntArr:
    """Multinomial-logit draw: argmax of utilities plus Gumbel noise (``-inf`` = not allowed)."""
    out: IntArr = np.argmax(util + rng.gumbel(size=util.shape), axis=1).astype(np.int64)
    return out


def pick_in_group(rng: np.random.Generator, values: IntArr, groups: IntArr, want: IntArr) -> IntArr:
    """For each ``want`` group, a random element of ``values`` whose group matches (sorted)."""
    start = np.searchsorted(groups, want, side="left")
    stop = np.searchsorted(groups, want, side="right")
    idx = start + np.floor(rng.random(len(want)) * np.maximum(stop - start, 1)).astype(np.int64)
    out: IntArr = values[np.minimum(idx, len(values) - 1)]
    return out
