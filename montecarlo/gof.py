"""Goodness of fit: fitdistrplus ``gofstat`` statistics and a ranked comparison of families.

:func:`gofstat` computes the Kolmogorov-Smirnov, Cramer-von Mises and Anderson-Darling
statistics exactly as ``fitdistrplus::gofstat`` does (for continuous data), plus AIC, AICc
and BIC. :func:`compare_fits` fits every candidate family to one sample and returns one
row per candidate, ranked by AICc by default, with flags that warn about fits an analyst
should not trust, and optional parametric-bootstrap p-values that refit every resample
(the ``scipy.stats.goodness_of_fit`` recipe).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from montecarlo.checks import as_rng, check_positive_int, check_sample
from montecarlo.errors import FitError, MonteCarloError, MonteCarloValueError
from montecarlo.fit import (
    DISTRIBUTIONS,
    PARAM_NAMES,
    POSITIVE_FAMILIES,
    Sample,
    cdf_for,
    check_fit_input,
    fit_distribution,
    fit_mle,
    frozen_for,
    mle,
)
from montecarlo.johnson import fit_johnson, johnson_frozen, quantile_fit

__all__ = [
    "CANDIDATES",
    "compare_fits",
    "fitted_distribution",
    "format_params",
    "gof_statistics",
    "gofstat",
]

CANDIDATES: tuple[str, ...] = (*DISTRIBUTIONS, "johnson")
_RANKABLE = ("aicc", "aic", "bic", "ks", "cvm", "ad", "loglik")
NEGATIVE_MASS_LIMIT = 0.01


@lru_cache(maxsize=16)
def _plotting_positions(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``i/n``, ``(i-1)/n``, ``(2i-1)/(2n)`` and ``2i-1`` for ``i = 1..n`` (read-only)."""
    i = np.arange(1, n + 1)
    out = (i / n, (i - 1) / n, (2 * i - 1) / (2 * n), (2 * i - 1).astype(float))
    for a in out:
        a.flags.writeable = False
    return out


def gof_statistics(sorted_cdf: np.ndarray) -> tuple[Any, Any, Any]:
    """KS, CvM and AD from model CDF values at the sorted sample.

    Exactly ``fitdistrplus:::compute.gofstat.KSCvMAD``. ``sorted_cdf`` has shape (n,)
    (floats returned) or (m, n) for m models at once (arrays of shape (m,) returned).
    """
    p = np.asarray(sorted_cdf, dtype=float)
    n = p.shape[-1]
    up, down, mid, odd = _plotting_positions(n)
    # max(|p - i/n|, |p - (i-1)/n|) = max(i/n - p, p - (i-1)/n), since i/n > (i-1)/n.
    ks = np.maximum(np.max(up - p, axis=-1), np.max(p - down, axis=-1))
    d = p - mid
    cvm = 1.0 / (12 * n) + np.sum(d * d, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = odd * (np.log(p) + np.log1p(-p[..., ::-1]))
    ad = -n - np.sum(terms, axis=-1) / n
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


def _cdf_sorted(dist: str, t: np.ndarray, s: Sample) -> np.ndarray:
    """CDF of a fitted family at the sample (``cdf_for``'s formulas, sums reused)."""
    if dist == "lognorm":
        return special.ndtr((s.logx - t[0]) / t[1])
    if dist in POSITIVE_FAMILIES:  # the sample is positive: no clipping at 0 needed
        x = s.x
        if dist == "weibull":
            return -np.expm1(-((x / t[1]) ** t[0]))
        if dist == "gamma":
            return special.gammainc(t[0], t[1] * x)
        return -np.expm1(-t[0] * x)
    return cdf_for(dist, t, s.x)


def _fit_one(
    s: Sample, dist: str, positive_series: bool
) -> tuple[dict[str, Any], Any, Any, int, float, list[str]]:
    """(params, CDF-at-the-sorted-sample getter, frozen getter, k, loglik, flags) of one
    candidate (the getters defer the work: all CDFs are evaluated under one errstate)."""
    if dist == "johnson":
        jf = fit_johnson(s.x, guard="ignore")
        params = {"type": jf.type, **jf.params}
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.asarray(jf.frozen.cdf(np.append(s.x, 0.0)), dtype=float)
        flags = list(jf.flags)
        if positive_series and p[-1] > NEGATIVE_MASS_LIMIT:
            flags.append("mass-below-zero>1%")
        return params, lambda: p[:-1], lambda: jf.frozen, _johnson_k(jf.type), jf.loglik, flags
    if dist in POSITIVE_FAMILIES and not positive_series:
        raise FitError(f"The {dist} family needs strictly positive data.")
    # The table needs no standard errors: skip FitResult and go straight to the MLE.
    theta, ll = fit_mle(dist, s)
    t = theta.tolist()
    if not all(map(math.isfinite, (*t, ll))):
        raise FitError(f"The {dist} fit of 'x' did not converge (got {theta}).")
    params = dict(zip(PARAM_NAMES[dist], t, strict=True))
    flags = []
    if positive_series and dist not in POSITIVE_FAMILIES:
        if float(cdf_for(dist, t, 0.0)) > NEGATIVE_MASS_LIMIT:
            flags.append("mass-below-zero>1%")
    cdf = lambda: _cdf_sorted(dist, theta, s)  # noqa: E731
    return params, cdf, lambda: frozen_for(dist, theta), theta.size, ll, flags


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
    gen = as_rng(rng) if b or rng is not None else None  # validated; built only if used
    v = check_sample(x, name="x", func=func, min_size=5)
    xs = np.sort(v)
    if xs[0] == xs[-1]:
        raise FitError(
            f"The 'x' parameter of {func} has all values equal to {v[0]:g}; "
            f"a distribution needs spread."
        )
    sample = Sample(xs, is_sorted=True)
    positive_series = bool(xs[0] > 0)
    names = list(dict.fromkeys(dists))
    m = len(names)
    params: list[dict[str, Any]] = [{} for _ in range(m)]
    flags: list[str] = [""] * m
    k, ll, ks, cvm, ad = np.full((5, m), np.nan)
    fitted: list[int] = []
    cdfs: list[Any] = []
    frozen_getters: list[Any] = []
    for j, dist in enumerate(names):
        try:
            params[j], cdf, get_frozen, k[j], ll[j], fl = _fit_one(sample, dist, positive_series)
        except MonteCarloError as exc:
            reason = "data has values <= 0" if dist in POSITIVE_FAMILIES else str(exc)
            flags[j] = f"not fitted: {reason}"
            continue
        flags[j] = "; ".join(fl)
        fitted.append(j)
        cdfs.append(cdf)
        frozen_getters.append(get_frozen)
    n = v.size
    aic = -2 * ll + 2 * k
    with np.errstate(divide="ignore", invalid="ignore"):
        if fitted:  # all goodness-of-fit statistics in one vectorised pass
            p = np.empty((len(fitted), n))
            for r, cdf in enumerate(cdfs):
                p[r] = cdf()
            ks[fitted], cvm[fitted], ad[fitted] = gof_statistics(p)
        aicc = np.where(n - k - 1 > 0, aic + 2 * k * (k + 1) / (n - k - 1), np.inf)
    aicc[np.isnan(k)] = np.nan
    bic = -2 * ll + k * math.log(n)
    table = {"loglik": ll, "aic": aic, "aicc": aicc, "bic": bic, "ks": ks, "cvm": cvm, "ad": ad}
    if b:
        pv = np.full((3, m), np.nan)
        for j, get_frozen in zip(fitted, frozen_getters, strict=True):
            observed = (float(ks[j]), float(cvm[j]), float(ad[j]))
            pv[:, j] = _bootstrap_pvalues(v, names[j], get_frozen(), observed, b, gen)
        table.update(ks_pvalue=pv[0], cvm_pvalue=pv[1], ad_pvalue=pv[2])
    return _table(names, params, k, flags, table, np.asarray(fitted, dtype=int), rank_by)


_NUMERIC = ("loglik", "aic", "aicc", "bic", "ks", "cvm", "ad")
_PVALUES = ("ks_pvalue", "cvm_pvalue", "ad_pvalue")


@lru_cache(maxsize=2)
def _columns(with_pvalues: bool) -> pd.Index:
    return pd.Index(
        ["rank", "params", "k", *_NUMERIC, "flags", *(_PVALUES if with_pvalues else ())]
    )


@lru_cache(maxsize=1)
def _str_dtype() -> Any:
    """pandas' default dtype for strings (``str`` in pandas 3, ``object`` before)."""
    return pd.Series(["a"]).dtype


# Converting a few strings to pandas' (Arrow) string dtype costs more than the fits of the
# closed-form families, and the same names and flags come back call after call: keep the
# converted arrays and hand out copies (cheap: the Arrow buffers are immutable and shared).
@lru_cache(maxsize=64)
def _dist_index(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(names), dtype=_str_dtype(), name="dist")


@lru_cache(maxsize=64)
def _str_array(values: tuple[str, ...]) -> Any:
    return pd.array(list(values), dtype=_str_dtype())


def _table(
    names: list[str],
    params: list[dict[str, Any]],
    k: np.ndarray,
    flags: list[str],
    num: dict[str, np.ndarray],
    fitted: np.ndarray,
    rank_by: str,
) -> pd.DataFrame:
    """Assemble the ranked table from its columns (pandas is the slow part: one construction)."""
    key = -num["loglik"] if rank_by == "loglik" else num[rank_by]
    key = np.where(np.isnan(key), np.inf, key)
    order = np.argsort(key, kind="stable")
    m = len(names)
    is_fitted = np.zeros(m, dtype=bool)
    is_fitted[fitted] = True
    rank = np.full(m, np.nan)
    ranked = order[is_fitted[order]]
    rank[ranked] = np.arange(1, ranked.size + 1)
    ordered_params = np.empty(m, dtype=object)
    ordered_params[:] = [params[i] for i in order]
    with_pvalues = "ks_pvalue" in num
    arrays = [
        rank[order],
        ordered_params,
        k[order],
        *(num[c][order] for c in _NUMERIC),
        _str_array(tuple([flags[i] for i in order])).copy(),
        *((num[c][order] for c in _PVALUES) if with_pvalues else ()),
    ]
    index = _dist_index(tuple([names[i] for i in order])).copy()
    columns = _columns(with_pvalues).copy()  # a shared Index could be renamed in place
    try:  # the lean constructor (no re-inference of the column arrays)
        return pd.DataFrame._from_arrays(arrays, columns, index, verify_integrity=False)
    except AttributeError:  # pragma: no cover  (private pandas API gone)
        return pd.DataFrame(dict(zip(columns, arrays, strict=True)), index=index)


def format_params(params: Any) -> str:
    """A fit's parameters as one line (``"mean=14.2, sd=1.8"``), as every front end shows them.

    Examples
    --------
    >>> format_params({"type": "SB", "gamma": -0.16612})
    'type=SB, gamma=-0.1661'
    """
    if not isinstance(params, dict):
        return str(params)
    return ", ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items()
    )


def fitted_distribution(x: Any, family: str) -> Any:
    """The frozen distribution of ``family`` fitted to ``x`` (a row of :func:`compare_fits`).

    ``"johnson"`` is the Johnson-system quantile fit (:func:`montecarlo.fit_johnson`);
    any other name a :func:`montecarlo.fit_distribution` family (MLE).
    """
    if family == "johnson":
        return fit_johnson(x).frozen
    return fit_distribution(x, family).frozen
