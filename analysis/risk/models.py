"""How stable are the Allianz rankings? Kendall's tau-b between consecutive editions.

For each pair of consecutive editions, over the n risks with a known rank in both top 10s:

- Kendall's S = concordant minus discordant pairs (pairs tied in either ranking count zero), and
  tau-b = S / sqrt((n0 - tx) (n0 - ty)), with n0 = n(n-1)/2 and tx, ty the pairs tied in each ranking;
- the one-sided p-value is exact: the share of all n! ways of assigning the second edition's ranks to
  the n risks whose S is at least the observed one (ties kept as published);
- pooled over pairs: the sum of S over the sum of the tau-b denominators; its p-value is exact (the
  pairs' null distributions convolved, pairs taken as independent) and its 95% interval is a
  percentile bootstrap that resamples risks within each pair, all draws at once.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
import pandas as pd

from . import data as risk_data

#: A pair of editions is tested only when at least this many risks are ranked in both.
MIN_RISKS = 3


def _s_and_denominator(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kendall's S and the tau-b denominator over the last axis (any leading axes are draws)."""
    sx = np.sign(x[..., :, None] - x[..., None, :])
    sy = np.sign(y[..., :, None] - y[..., None, :])
    n = x.shape[-1]
    n0 = n * (n - 1) / 2
    tied_x = ((sx == 0).sum(axis=(-2, -1)) - n) / 2
    tied_y = ((sy == 0).sum(axis=(-2, -1)) - n) / 2
    s = (sx * sy).sum(axis=(-2, -1)) / 2
    return s, np.sqrt((n0 - tied_x) * (n0 - tied_y))


def kendall_s(x, y) -> int:
    """Kendall's S: concordant minus discordant pairs (tied pairs count zero)."""
    s, _ = _s_and_denominator(np.asarray(x, float), np.asarray(y, float))
    return int(round(float(s)))


def tau_b_denominator(x, y) -> float:
    """sqrt((n0 - tx) (n0 - ty)): tau-b is S divided by this."""
    _, d = _s_and_denominator(np.asarray(x, float), np.asarray(y, float))
    return float(d)


@lru_cache(maxsize=4)
def _permutations(n: int) -> np.ndarray:
    """All n! orderings of range(n), one per row, built by inserting k at every place of the (k-1)! rows."""
    if n > 10:
        raise ValueError(f"exact enumeration of {n}! orderings is not attempted")
    perms = np.zeros((1, 0), dtype=np.int8)
    for k in range(n):
        m = len(perms)
        grown = np.empty((m * (k + 1), k + 1), dtype=np.int8)
        for at in range(k + 1):
            block = grown[at * m:(at + 1) * m]
            block[:, :at], block[:, at], block[:, at + 1:] = perms[:, :at], k, perms[:, at:]
        perms = grown
    return perms


def _null_probabilities(x, y) -> tuple[int, np.ndarray]:
    """Exact null distribution of S as (lowest S, probabilities of S = lowest, lowest + 1, ...)."""
    x = np.asarray(x, float)
    codes = np.unique(np.asarray(y, float), return_inverse=True)[1].astype(np.int8)  # order and ties kept
    shuffled = codes[_permutations(len(x))]               # every assignment of y's ranks to the risks
    s = np.zeros(len(shuffled), dtype=np.int32)
    for i, j in itertools.combinations(range(len(x)), 2):
        if x[i] != x[j]:
            s += int(np.sign(x[j] - x[i])) * np.sign(shuffled[:, j] - shuffled[:, i]).astype(np.int32)
    low = int(s.min())
    return low, np.bincount(s - low) / len(s)


def null_distribution(x, y) -> pd.Series:
    """P(S = s) when y's ranks are assigned to the risks at random; indexed by s."""
    low, probs = _null_probabilities(x, y)
    support = np.arange(low, low + len(probs))
    keep = probs > 0
    return pd.Series(probs[keep], index=support[keep], name="probability")


def _upper_tail(low: int, probs: np.ndarray, s: float) -> float:
    """P(S >= s) from a distribution given as (lowest S, probabilities)."""
    start = max(0, int(np.ceil(s - 1e-9)) - low)
    return float(probs[start:].sum())


def _highest_mass(low: int, probs: np.ndarray) -> float:
    """P(S = the largest S possible): the smallest p-value the test can give."""
    return float(probs[np.flatnonzero(probs > 0)[-1]])


def _pair_row(sub: pd.DataFrame, scope: str, pair: str) -> tuple[dict, tuple | None]:
    """One pair's result row, and (x, y, null) when the pair can be tested."""
    sub = sub.dropna(subset=["risk"])
    x, y = sub.rank_from.to_numpy(float), sub.rank_to.to_numpy(float)
    n = len(sub)
    row = {"scope": scope, "pair": pair, "edition_from": int(pair[:4]), "edition_to": int(pair[-4:]),
           "n_risks": n, "risks": ", ".join(sub.risk), "mean_abs_shift": float(np.abs(x - y).mean()) if n else np.nan,
           "tau": np.nan, "s": np.nan, "p_value": np.nan, "min_p": np.nan}
    if n < MIN_RISKS or tau_b_denominator(x, y) == 0:
        return row, None
    s, denom = _s_and_denominator(x, y)
    low, probs = _null_probabilities(x, y)
    row.update(tau=float(s / denom), s=int(s), p_value=_upper_tail(low, probs, s), min_p=_highest_mass(low, probs))
    return row, (x, y, low, probs)


def _convolve(nulls: list[tuple[int, np.ndarray]]) -> tuple[int, np.ndarray]:
    """The null distribution of a sum of independent S's."""
    low, probs = 0, np.ones(1)
    for lo, p in nulls:
        low, probs = low + lo, np.convolve(probs, p)
    return low, probs


def bootstrap_tau(tested: list[tuple[np.ndarray, np.ndarray]], n_boot: int, seed: int) -> np.ndarray:
    """Pooled tau-b for ``n_boot`` resamples of the risks within each pair (all draws at once)."""
    rng = np.random.default_rng(seed)
    s_sum, d_sum = np.zeros(n_boot), np.zeros(n_boot)
    for x, y in tested:
        idx = rng.integers(0, len(x), size=(n_boot, len(x)))
        s, d = _s_and_denominator(x[idx], y[idx])
        s_sum, d_sum = s_sum + s, d_sum + d
    keep = d_sum > 0
    return s_sum[keep] / d_sum[keep]


def stability(allianz: pd.DataFrame, scope: str, n_boot: int, seed: int = 2021) -> pd.DataFrame:
    """Per pair of consecutive editions and pooled: n, tau-b, S, exact p, smallest p possible, 95% interval."""
    rows, tested = [], []
    for pair, sub in risk_data.rank_pairs(allianz).groupby("pair", sort=True):
        row, test = _pair_row(sub, scope, pair)
        rows.append(row)
        if test:
            tested.append(test)
    out = pd.DataFrame(rows).assign(ci_low=np.nan, ci_high=np.nan)
    if tested:
        out = pd.concat([out, pd.DataFrame([_pooled_row(out, tested, scope, n_boot, seed)])], ignore_index=True)
    out["comparable"] = out.tau.notna()
    return out


def _pooled_row(pairs: pd.DataFrame, tested: list[tuple], scope: str, n_boot: int, seed: int) -> dict:
    s_obs = sum(_s_and_denominator(x, y)[0] for x, y, *_ in tested)
    denom = sum(_s_and_denominator(x, y)[1] for x, y, *_ in tested)
    low, probs = _convolve([(lo, p) for *_, lo, p in tested])
    ci_low, ci_high = np.percentile(bootstrap_tau([(x, y) for x, y, *_ in tested], n_boot, seed), [2.5, 97.5])
    return {"scope": scope, "pair": "all pairs", "edition_from": int(pairs.edition_from.min()),
            "edition_to": int(pairs.edition_to.max()), "n_risks": int(sum(len(x) for x, *_ in tested)),
            "risks": f"{len(tested)} pairs of editions", "tau": float(s_obs / denom), "s": int(s_obs),
            "p_value": _upper_tail(low, probs, s_obs), "min_p": _highest_mass(low, probs),
            "mean_abs_shift": float(np.mean(np.concatenate([np.abs(x - y) for x, y, *_ in tested]))),
            "ci_low": float(ci_low), "ci_high": float(ci_high)}


def stability_both(italy: pd.DataFrame, glob: pd.DataFrame, n_boot: int) -> pd.DataFrame:
    return pd.concat([stability(italy, "Italy", n_boot), stability(glob, "World", n_boot)], ignore_index=True)


def stability_summary(result: pd.DataFrame) -> dict[str, float | int]:
    """The pooled results the page quotes, keyed for glue (plain floats and ints)."""
    out: dict[str, float | int] = {}
    for scope, key in (("Italy", "it"), ("World", "gl")):
        rows = result[result.scope == scope]
        pooled = rows[rows.pair == "all pairs"].iloc[0]
        tested = rows[(rows.pair != "all pairs") & rows.comparable]
        out.update({
            f"{key}_tau": float(pooled.tau), f"{key}_lo": float(pooled.ci_low), f"{key}_hi": float(pooled.ci_high),
            f"{key}_p": float(pooled.p_value), f"{key}_n": int(pooled.n_risks), f"{key}_pairs": int(len(tested)),
            f"{key}_shift": float(pooled.mean_abs_shift),
            f"{key}_untested": int(((rows.pair != "all pairs") & ~rows.comparable).sum()),
            f"{key}_nmin": int(tested.n_risks.min()), f"{key}_nmax": int(tested.n_risks.max()),
        })
    tested = result[(result.pair != "all pairs") & result.comparable]
    out["min_p_low"], out["min_p_high"] = float(tested.min_p.min()), float(tested.min_p.max())
    out["negative_pairs"] = int((tested.tau < 0).sum())
    return out


def shift_by_start(allianz: pd.DataFrame, top: int) -> dict[str, float | int]:
    """Mean places moved to the next edition, for risks starting in the top ``top`` and for the others."""
    pairs = risk_data.rank_pairs(allianz).dropna(subset=["risk"])
    shift = (pairs.rank_to - pairs.rank_from).abs()
    lead = pairs.rank_from <= top
    return {"top_shift": float(shift[lead].mean()), "rest_shift": float(shift[~lead].mean()),
            "top_n": int(lead.sum()), "rest_n": int((~lead).sum())}
