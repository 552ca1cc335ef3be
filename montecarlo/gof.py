"""Goodness of fit: fitdistrplus ``gofstat`` statistics and a ranked comparison of families.

:func:`gofstat` computes the Kolmogorov-Smirnov, Cramer-von Mises and Anderson-Darling
statistics exactly as ``fitdistrplus::gofstat`` does (for continuous data), plus AIC, AICc
and BIC. :func:`compare_fits` fits every candidate family to one sample and returns one
row per candidate, ranked by AICc by default, with flags that warn about fits an analyst
should not trust, and optional parametric-bootstrap p-values that refit every resample
(the ``scipy.stats.goodness_of_fit`` recipe).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.checks import as_rng, check_positive_int, check_sample
from montecarlo.errors import FitError, MonteCarloError, MonteCarloValueError
from montecarlo.fit import (
    DISTRIBUTIONS,
    PARAM_NAMES,
    POSITIVE_FAMILIES,
    cdf_for,
    check_fit_input,
    frozen_for,
    loglik,
    mle,
)
from montecarlo.johnson import fit_johnson, johnson_frozen, quantile_fit

__all__ = ["CANDIDATES", "compare_fits", "gof_statistics", "gofstat"]

CANDIDATES: tuple[str, ...] = (*DISTRIBUTIONS, "johnson")
_RANKABLE = ("aicc", "aic", "bic", "ks", "cvm", "ad", "loglik")
NEGATIVE_MASS_LIMIT = 0.01


def gof_statistics(sorted_cdf: np.ndarray) -> tuple[Any, Any, Any]:
    """KS, CvM and AD from model CDF values at the sorted sample.

    Exactly ``fitdistrplus:::compute.gofstat.KSCvMAD``. ``sorted_cdf`` has shape (n,)
    (floats returned) or (m, n) for m models at once (arrays of shape (m,) returned).
    """
    p = np.asarray(sorted_cdf, dtype=float)
    n = p.shape[-1]
    i = np.arange(1, n + 1)
    ks = np.max(np.maximum(np.abs(p - i / n), np.abs(p - (i - 1) / n)), axis=-1)
    cvm = 1.0 / (12 * n) + np.sum((p - (2 * i - 1) / (2 * n)) ** 2, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (2 * i - 1) * (np.log(p) + np.log1p(-p[..., ::-1]))
    ad = -n - np.mean(terms, axis=-1)
    if p.ndim == 1:
        return float(ks), float(cvm), float(ad)
    return ks, cvm, ad


def gofstat(x: Any, frozen: Any, k: int, loglik: float | None = None) -> dict[str, float]:
    """Goodness-of-fit statistics of a fitted distribution, as ``fitdistrplus::gofstat``.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample the distribution was fitted to.
    frozen : frozen distribution
        Anything with ``cdf`` and ``logpdf``.
    k : int
        Number of fitted parameters (for AIC, AICc, BIC).
    loglik : float, optional
        Log-likelihood; computed from ``frozen.logpdf`` when omitted.

    Returns
    -------
    dict
        ``ks``, ``cvm``, ``ad``, ``loglik``, ``aic``, ``aicc``, ``bic``.

    Examples
    --------
    >>> from scipy import stats
    >>> g = gofstat([0.1, 0.5, 0.9], stats.uniform(), k=0)
    >>> round(g["ks"], 6), round(g["cvm"], 6)
    (0.233333, 0.036667)
    """
    v = np.sort(check_sample(x, name="x", func="gofstat", min_size=1))
    k = check_positive_int(k, name="k", func="gofstat", minimum=0)
    if loglik is None:
        with np.errstate(divide="ignore"):
            loglik = float(np.sum(frozen.logpdf(v)))
    return _stats(frozen.cdf(v), float(loglik), k)


def _stats(sorted_cdf: np.ndarray, loglik: float, k: int) -> dict[str, float]:
    ks, cvm, ad = gof_statistics(sorted_cdf)
    return _stats_from(ks, cvm, ad, loglik, k, sorted_cdf.size)


def _stats_from(
    ks: float, cvm: float, ad: float, loglik: float, k: int, n: int
) -> dict[str, float]:
    aic = -2 * loglik + 2 * k
    aicc = aic + 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else np.inf
    return {
        "ks": ks,
        "cvm": cvm,
        "ad": ad,
        "loglik": loglik,
        "aic": float(aic),
        "aicc": float(aicc),
        "bic": float(-2 * loglik + k * np.log(n)),
    }


def _johnson_k(jtype: str) -> int:
    return {"SN": 2, "SL": 3}.get(jtype, 4)


def _fit_one(v: np.ndarray, dist: str) -> tuple[dict[str, Any], Any, Any, int, float, list[str]]:
    """(params, cdf, frozen-getter, k, loglik, flags) of one candidate."""
    if dist == "johnson":
        jf = fit_johnson(v, guard="ignore")
        params = {"type": jf.type, **jf.params}
        return (
            params,
            jf.frozen.cdf,
            lambda: jf.frozen,
            _johnson_k(jf.type),
            jf.loglik,
            list(jf.flags),
        )
    if dist in POSITIVE_FAMILIES and v.min() <= 0:
        raise FitError(f"The {dist} family needs strictly positive data.")
    # The table needs no standard errors: skip FitResult and go straight to the MLE.
    theta = mle(dist, v)
    ll = loglik(dist, theta, v)
    if not (np.all(np.isfinite(theta)) and np.isfinite(ll)):
        raise FitError(f"The {dist} fit did not converge (got {theta}).")
    params = {p: float(t) for p, t in zip(PARAM_NAMES[dist], theta, strict=True)}
    return (
        params,
        lambda y: cdf_for(dist, theta, y),
        lambda: frozen_for(dist, theta),
        theta.size,
        ll,
        [],
    )


def _bootstrap_pvalues(
    v: np.ndarray, dist: str, frozen: Any, observed: tuple[float, float, float], b: int, rng: Any
) -> tuple[float, float, float]:
    """Parametric bootstrap p-values of (KS, CvM, AD), refitting every resample."""
    theta0 = None if dist == "johnson" else mle(dist, v)
    exceed = np.zeros(3)
    done = 0
    for _ in range(b):
        y = np.sort(np.asarray(frozen.rvs(size=v.size, random_state=rng), dtype=float))
        try:
            if dist == "johnson":
                fz = johnson_frozen(*quantile_fit(y))
            else:
                check_fit_input(y, dist, func="compare_fits")
                th = mle(dist, y, start=theta0)
                fz = None
        except MonteCarloError:
            continue
        with np.errstate(all="ignore"):
            stats_b = gof_statistics(fz.cdf(y) if fz is not None else cdf_for(dist, th, y))
        exceed += np.asarray(stats_b) >= np.asarray(observed)
        done += 1
    if done == 0:
        return (np.nan, np.nan, np.nan)
    p = (exceed + 1.0) / (done + 1.0)
    return float(p[0]), float(p[1]), float(p[2])


def compare_fits(
    x: Any,
    dists: Sequence[str] = CANDIDATES,
    *,
    rank_by: str = "aicc",
    bootstrap: int = 0,
    rng: np.random.Generator | int | None = None,
) -> pd.DataFrame:
    """Fit several families to one sample and rank them.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample (at least 5 finite values with spread).
    dists : sequence of str
        Candidates among ``norm, expon, weibull, lognorm, gamma, logistic, cauchy,
        johnson`` (Johnson: SuppDists' quantile fit; it is not a likelihood fit, so its
        log-likelihood and information criteria, with k = 2 (SN), 3 (SL) or 4 (SU, SB)
        parameters, only indicate how it compares).
    rank_by : {"aicc", "aic", "bic", "ks", "cvm", "ad", "loglik"}
        Column to rank by (ascending; descending for ``loglik``).
    bootstrap : int
        If > 0, that many parametric-bootstrap resamples per candidate give p-values
        ``ks_pvalue``, ``cvm_pvalue``, ``ad_pvalue`` (each resample is refitted).
    rng : numpy.random.Generator or int, optional
        Random source for the bootstrap.

    Returns
    -------
    pandas.DataFrame
        Indexed by family; columns ``rank, params, k, loglik, aic, aicc, bic, ks, cvm, ad,
        flags`` (plus p-values). Families that cannot be fitted (e.g. positive families on
        data with zeros) stay in the table, unranked, with the reason in ``flags``.
        ``flags`` may hold ``support-excludes-data`` and ``mass-below-zero>1%`` (a
        positive series given more than 1% probability below zero).
    """
    func = "compare_fits"
    if isinstance(dists, str):
        dists = (dists,)
    unknown = [d for d in dists if d not in CANDIDATES]
    if unknown or len(dists) == 0:
        raise MonteCarloValueError(
            f"The 'dists' parameter of {func} must list families among "
            f"{', '.join(CANDIDATES)}. Got {list(dists)!r} instead."
        )
    if rank_by not in _RANKABLE:
        raise MonteCarloValueError(
            f"The 'rank_by' parameter of {func} must be one of {', '.join(_RANKABLE)}. "
            f"Got {rank_by!r} instead."
        )
    b = check_positive_int(bootstrap, name="bootstrap", func=func, minimum=0)
    gen = as_rng(rng)
    v = check_sample(x, name="x", func=func, min_size=5)
    if np.ptp(v) == 0:
        raise FitError(
            f"The 'x' parameter of {func} has all values equal to {v[0]:g}; "
            f"a distribution needs spread."
        )
    positive_series = bool(np.all(v > 0))
    at = np.append(np.sort(v), 0.0)  # the sorted sample, then 0 for the negative-mass flag
    rows: list[dict[str, Any]] = []
    fitted: list[tuple[dict[str, Any], np.ndarray, Any, list[str]]] = []
    for dist in dict.fromkeys(dists):
        row: dict[str, Any] = {"dist": dist}
        rows.append(row)
        try:
            params, cdf, get_frozen, k, ll, flags = _fit_one(v, dist)
        except MonteCarloError as exc:
            reason = "data has values <= 0" if dist in POSITIVE_FAMILIES else str(exc)
            row.update(params={}, k=np.nan, flags=f"not fitted: {reason}")
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.asarray(cdf(at), dtype=float)
        if positive_series and dist not in POSITIVE_FAMILIES and p[-1] > NEGATIVE_MASS_LIMIT:
            flags.append("mass-below-zero>1%")
        row.update(params=params, k=k, loglik=float(ll), flags="; ".join(flags))
        fitted.append((row, p[:-1], get_frozen, flags))
    if fitted:  # all goodness-of-fit statistics in one vectorised pass
        ks, cvm, ad = gof_statistics(np.vstack([f[1] for f in fitted]))
        for j, (row, _, get_frozen, _) in enumerate(fitted):
            g = _stats_from(
                float(ks[j]), float(cvm[j]), float(ad[j]), row["loglik"], row["k"], v.size
            )
            row.update(g)
            if b:
                ks_p, cvm_p, ad_p = _bootstrap_pvalues(
                    v, row["dist"], get_frozen(), (g["ks"], g["cvm"], g["ad"]), b, gen
                )
                row.update(ks_pvalue=ks_p, cvm_pvalue=cvm_p, ad_pvalue=ad_p)
    return _table(rows, rank_by, with_pvalues=b > 0)


def _table(rows: list[dict[str, Any]], rank_by: str, *, with_pvalues: bool) -> pd.DataFrame:
    """Assemble the ranked table in one DataFrame construction (pandas is the slow part)."""
    num = ["loglik", "aic", "aicc", "bic", "ks", "cvm", "ad"]
    if with_pvalues:
        num += ["ks_pvalue", "cvm_pvalue", "ad_pvalue"]
    values = {c: np.array([r.get(c, np.nan) for r in rows], dtype=float) for c in num}
    key = -values["loglik"] if rank_by == "loglik" else values[rank_by]
    key = np.where(np.isnan(key), np.inf, key)
    order = np.argsort(key, kind="stable")
    fitted = np.array([np.isfinite(r.get("loglik", np.nan)) or "loglik" in r for r in rows])
    rank = np.full(len(rows), np.nan)
    ranked = order[fitted[order]]
    rank[ranked] = np.arange(1, ranked.size + 1)
    data: dict[str, Any] = {
        "rank": rank[order],
        "params": [rows[i]["params"] for i in order],
        "k": np.array([rows[i]["k"] for i in order], dtype=float),
    }
    data.update({c: values[c][order] for c in num[:7]})
    data["flags"] = np.array([rows[i]["flags"] for i in order], dtype=object)
    data.update({c: values[c][order] for c in num[7:]})
    index = pd.Index(np.array([rows[i]["dist"] for i in order], dtype=object), name="dist")
    return pd.DataFrame(data, index=index)
