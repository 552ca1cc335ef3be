"""Numba kernels of the ETS state-space models, following R's ``forecast::ets`` (8.x).

One generic recursion serves all forms; integer flags select the components
(``error`` 1 additive / 2 multiplicative, ``trend`` and ``season`` 0 none / 1 additive /
2 multiplicative), so each kernel compiles once (``cache=True`` keeps the machine code on
disk between processes).

State vector, as in R: ``(l, b, s_1, ..., s_m)`` with ``s_1`` the newest seasonal state
and ``s_m`` the one used by the next forecast. The parameter vector of the optimiser is
``(alpha, [beta], [gamma], [phi], l0, [b0], [s_0 .. s_{m-2}])``; the last seasonal
initial state is implied by the normalisation (additive: the states sum to 0,
multiplicative: to ``m``).

* :func:`etscalc` - R's ``etscalc``: one-step errors and the likelihood criterion
  ``n log(sum e^2)`` (+ ``2 sum log|f|`` for multiplicative errors, ``e = (y - f) / f``);
* :func:`objective` - R's ``EtsTargetFunction::eval`` with ``bounds="both"``: usual
  bounds and the admissibility test (roots of the characteristic polynomial of the
  discount matrix inside the unit circle, checked with the Schur-Cohn recursion instead
  of a root finder), ``+inf`` outside, ``-1e10`` floor, NaN -> ``+inf``;
* :func:`nelder_mead` - R's ``nmmin`` (reflection 1, contraction 0.5, expansion 2,
  relative tolerance ``sqrt(eps)``, at most ``maxit`` evaluations) with a per-coordinate
  initial step;
* :func:`forecast_path` and :func:`simulate` - point forecasts and simulated futures.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["etscalc", "forecast_path", "nelder_mead", "objective", "simulate"]

_TOL = 1e-10
_HUGEN = 1e10
_BIG = 1.0e35  # what nmmin uses for non-finite function values


@njit(cache=True, nogil=True)
def _remove(x, component, kind):
    """``x`` without a component: ``x - c`` (kind 1, additive) or ``x / c`` (kind 2), with
    R's guard (``1e10`` when a multiplicative component is within 1e-10 of zero)."""
    if kind == 1:
        return x - component
    if abs(component) < _TOL:
        return _HUGEN
    return x / component


@njit(cache=True, nogil=True)
def _update(l, b, s, m, trend, season, alpha, beta, gamma, phi, y):
    """One step of R's ``update``: new (l, b); ``s`` (length m) is updated in place."""
    if trend == 0:
        q = l
        phib = 0.0
    elif trend == 1:
        phib = phi * b
        q = l + phib
    elif abs(phi - 1.0) < _TOL:
        phib = b
        q = l * b
    else:
        phib = b**phi
        q = l * phib
    p = y if season == 0 else _remove(y, s[m - 1], season)
    new_l = q + alpha * (p - q)
    new_b = b
    if trend > 0:
        r = _remove(new_l, l, trend)
        # alpha = 0 (a least-squares Holt-Winters fit of a very short series may end
        # there): the level ignores the data and so does the trend (beta = alpha * the
        # Holt-Winters beta = 0); R's 0 / 0 would give NaN paths.
        ratio = beta / alpha if alpha > 0.0 else 0.0
        new_b = phib + ratio * (r - phib)
    if season > 0:
        t = _remove(y, q, season)
        new_s = s[m - 1] + gamma * (t - s[m - 1])
        for j in range(m - 1, 0, -1):
            s[j] = s[j - 1]
        s[0] = new_s
    return new_l, new_b


@njit(cache=True, nogil=True)
def _one_step(l, b, s, m, trend, season, phi):
    """One-step forecast from the state; NaN for a negative multiplicative trend."""
    if trend == 0:
        f = l
    elif trend == 1:
        f = l + phi * b
    elif b < 0:
        return np.nan
    else:
        f = l * b**phi
    if season == 1:
        f += s[m - 1]
    elif season == 2:
        f *= s[m - 1]
    return f


@njit(cache=True, nogil=True)
def etscalc(y, x0, m, error, trend, season, alpha, beta, gamma, phi, e, states, store):
    """Run the recursion over ``y``; return R's likelihood criterion (NaN if undefined).

    ``x0`` is the full initial state ``(l, [b], [s_1..s_m])``; one-step errors go to
    ``e`` (shape (n,)); when ``store`` the states go to ``states`` (shape (n + 1, p)).
    """
    n = y.size
    l = x0[0]
    b = x0[1] if trend > 0 else 0.0
    off = 1 + (trend > 0)
    mm = m if season > 0 else 1
    s = np.zeros(mm)
    if season > 0:
        for j in range(m):
            s[j] = x0[off + j]
    if store:
        states[0, : x0.size] = x0
    sse = 0.0
    slog = 0.0
    for i in range(n):
        f = _one_step(l, b, s, mm, trend, season, phi)
        if math.isnan(f) or (error == 2 and f == 0.0):
            return np.nan  # a relative error of a zero forecast is undefined
        if error == 1:
            ei = y[i] - f
        else:
            ei = (y[i] - f) / f
        e[i] = ei
        l, b = _update(l, b, s, mm, trend, season, alpha, beta, gamma, phi, y[i])
        if store:
            states[i + 1, 0] = l
            if trend > 0:
                states[i + 1, 1] = b
            if season > 0:
                for j in range(m):
                    states[i + 1, off + j] = s[j]
        sse += ei * ei
        slog += math.log(abs(f))
    lik = n * math.log(sse)
    if error == 2:
        lik += 2.0 * slog
    return lik


@njit(cache=True, nogil=True)
def _roots_inside(c, radius):
    """True if every root of ``sum_k c[k] z^k`` has modulus <= ``radius`` (Schur-Cohn)."""
    d = c.size - 1
    a = np.empty(d + 1)
    scale = 1.0
    for k in range(d + 1):  # roots of p(radius * w): |w| < 1
        a[k] = c[k] * scale
        scale *= radius
    tmp = np.empty(d + 1)
    while d > 0:
        c0 = a[0]
        cd = a[d]
        if abs(c0) >= abs(cd):
            return False
        for k in range(d):
            tmp[k] = cd * a[k + 1] - c0 * a[d - 1 - k]
        big = 0.0
        for k in range(d):
            a[k] = tmp[k]
            big = max(big, abs(tmp[k]))
        if big == 0.0:
            return False
        for k in range(d):  # rescale against under/overflow
            a[k] /= big
        d -= 1
    return True


@njit(cache=True, nogil=True)
def admissible(alpha, beta, gamma, phi, m, trend, season):
    """R's ``admissible()`` (forecast 8.x, C++ version) for ``bounds != "usual"``."""
    if phi < 0.0 or phi > 1.0 + 1e-8:
        return False
    if season == 0:
        if alpha < 1.0 - 1.0 / phi or alpha > 1.0 + 1.0 / phi:
            return False
        if trend > 0 and (beta < alpha * (phi - 1.0) or beta > (1.0 + phi) * (2.0 - alpha)):
            return False
        return True
    if m <= 1:
        return True
    if trend == 0:
        beta = 0.0
    d = 1.0 - 1.0 / phi - alpha
    if gamma < max(d, 0.0) or gamma > 1.0 + 1.0 / phi - alpha:
        return False
    if alpha < 1.0 - 1.0 / phi - gamma * (1.0 - m + phi + phi * m) / (2.0 * phi * m):
        return False
    if beta < -(1.0 - phi) * (gamma / m + alpha):
        return False
    # z^(m+1) + (a+b-phi) z^m + (a+b-a phi) z^(m-1..2) + (a+b-a phi+g-1) z + phi(1-a-g)
    c = np.empty(m + 2)
    c[0] = phi * (1.0 - alpha - gamma)
    c[1] = alpha + beta - alpha * phi + gamma - 1.0
    for k in range(2, m):
        c[k] = alpha + beta - alpha * phi
    c[m] = alpha + beta - phi
    c[m + 1] = 1.0
    return _roots_inside(c, 1.0 + 1e-10)


@njit(cache=True, nogil=True)
def unpack(par, m, trend, season, damped, x0):
    """Smoothing parameters from ``par``; the full initial state is written to ``x0``."""
    alpha = par[0]
    j = 1
    beta = 0.0
    gamma = 0.0
    phi = 1.0
    if trend > 0:
        beta = par[j]
        j += 1
    if season > 0:
        gamma = par[j]
        j += 1
    if damped:
        phi = par[j]
        j += 1
    nfree = par.size - j
    for k in range(nfree):
        x0[k] = par[j + k]
    if season > 0:
        off = 1 + (trend > 0)
        total = 0.0
        for k in range(off, nfree):
            total += x0[k]
        x0[nfree] = (m if season == 2 else 0.0) - total
    return alpha, beta, gamma, phi


@njit(cache=True, nogil=True)
def objective(par, y, m, error, trend, season, damped, lower, upper, x0, e, states):
    """R's ``EtsTargetFunction::eval`` for ``opt.crit="lik"``, ``bounds="both"``."""
    alpha, beta, gamma, phi = unpack(par, m, trend, season, damped, x0)
    # usual bounds
    if alpha < lower[0] or alpha > upper[0]:
        return np.inf
    if trend > 0 and (beta < lower[1] or beta > alpha or beta > upper[1]):
        return np.inf
    if damped and (phi < lower[3] or phi > upper[3]):
        return np.inf
    if season > 0 and (gamma < lower[2] or gamma > 1.0 - alpha or gamma > upper[2]):
        return np.inf
    if not admissible(alpha, beta, gamma, phi, m if season > 0 else 1, trend, season):
        return np.inf
    if season == 2:
        for k in range(1 + (trend > 0), x0.size):
            if x0[k] < 0.0:
                return np.inf
    lik = etscalc(y, x0, m, error, trend, season, alpha, beta, gamma, phi, e, states, False)
    if lik < -1e10:
        lik = -1e10
    if math.isnan(lik):
        return np.inf
    return lik


@njit(cache=True, nogil=True)
def nelder_mead(start, steps, y, m, error, trend, season, damped, lower, upper, reltol, maxit):
    """R's ``nmmin`` on :func:`objective`; returns (par, fmin, n_evaluations, fail).

    ``steps[i]`` is the initial simplex step of coordinate ``i`` (R uses one step,
    ``0.1 * max|par|``, for all).
    """
    n = start.size
    p = 1 + (trend > 0) + (m if season > 0 else 0)
    x0 = np.empty(p)
    e = np.empty(y.size)
    states = np.empty((1, 1))
    bvec = start.copy()
    P = np.empty((n + 1, n + 2))
    f = objective(bvec, y, m, error, trend, season, damped, lower, upper, x0, e, states)
    if not math.isfinite(f):
        return start.copy(), np.inf, 1, 2
    funcount = 1
    convtol = reltol * (abs(f) + reltol)
    n1 = n + 1
    C = n + 2
    P[n1 - 1, 0] = f
    for i in range(n):
        P[i, 0] = bvec[i]
    L = 1
    size = 0.0
    for j in range(2, n1 + 1):
        for i in range(n):
            P[i, j - 1] = bvec[i]
        trystep = steps[j - 2]
        while P[j - 2, j - 1] == bvec[j - 2]:
            P[j - 2, j - 1] = bvec[j - 2] + trystep
            trystep *= 10.0
        size += trystep
    oldsize = size
    calcvert = True
    fail = 0
    while True:
        if calcvert:
            for j in range(n1):
                if j + 1 != L:
                    for i in range(n):
                        bvec[i] = P[i, j]
                    f = objective(
                        bvec, y, m, error, trend, season, damped, lower, upper, x0, e, states
                    )
                    if not math.isfinite(f):
                        f = _BIG
                    funcount += 1
                    P[n1 - 1, j] = f
            calcvert = False
        VL = P[n1 - 1, L - 1]
        VH = VL
        H = L
        for j in range(1, n1 + 1):
            if j != L:
                f = P[n1 - 1, j - 1]
                if f < VL:
                    L = j
                    VL = f
                if f > VH:
                    H = j
                    VH = f
        if VH <= VL + convtol:
            break
        for i in range(n):
            temp = -P[i, H - 1]
            for j in range(n1):
                temp += P[i, j]
            P[i, C - 1] = temp / n
        for i in range(n):
            bvec[i] = 2.0 * P[i, C - 1] - P[i, H - 1]
        f = objective(bvec, y, m, error, trend, season, damped, lower, upper, x0, e, states)
        if not math.isfinite(f):
            f = _BIG
        funcount += 1
        VR = f
        if VR < VL:
            P[n1 - 1, C - 1] = f
            for i in range(n):
                f = 2.0 * bvec[i] - P[i, C - 1]
                P[i, C - 1] = bvec[i]
                bvec[i] = f
            f = objective(bvec, y, m, error, trend, season, damped, lower, upper, x0, e, states)
            if not math.isfinite(f):
                f = _BIG
            funcount += 1
            if f < VR:
                for i in range(n):
                    P[i, H - 1] = bvec[i]
                P[n1 - 1, H - 1] = f
            else:
                for i in range(n):
                    P[i, H - 1] = P[i, C - 1]
                P[n1 - 1, H - 1] = VR
        else:
            if VR < VH:
                for i in range(n):
                    P[i, H - 1] = bvec[i]
                P[n1 - 1, H - 1] = VR
            for i in range(n):
                bvec[i] = 0.5 * P[i, H - 1] + 0.5 * P[i, C - 1]
            f = objective(bvec, y, m, error, trend, season, damped, lower, upper, x0, e, states)
            if not math.isfinite(f):
                f = _BIG
            funcount += 1
            if f < P[n1 - 1, H - 1]:
                for i in range(n):
                    P[i, H - 1] = bvec[i]
                P[n1 - 1, H - 1] = f
            elif VR >= VH:
                calcvert = True
                size = 0.0
                for j in range(n1):
                    if j + 1 != L:
                        for i in range(n):
                            P[i, j] = 0.5 * (P[i, j] - P[i, L - 1]) + P[i, L - 1]
                            size += abs(P[i, j] - P[i, L - 1])
                if size < oldsize:
                    oldsize = size
                else:
                    fail = 10
                    break
        if funcount > maxit:
            break
    out = np.empty(n)
    for i in range(n):
        out[i] = P[i, L - 1]
    if funcount > maxit:
        fail = 1
    return out, P[n1 - 1, L - 1], funcount, fail


@njit(cache=True, nogil=True)
def forecast_path(state, m, trend, season, phi, h):
    """Point forecasts of ``h`` steps from ``state`` (shape (h,)), R's ``etsforecast``
    with the damped sum ``phi + phi^2 + ... + phi^h`` (what R's ``class1`` reports)."""
    out = np.empty(h)
    l = state[0]
    b = state[1] if trend > 0 else 0.0
    off = 1 + (trend > 0)
    phistar = phi
    for i in range(h):
        if trend == 0:
            f = l
        elif trend == 1:
            f = l + phistar * b
        elif b < 0:
            f = np.nan
        else:
            f = l * b**phistar
        if season > 0:
            j = m - 1 - i
            while j < 0:
                j += m
            if season == 1:
                f += state[off + j]
            else:
                f *= state[off + j]
        out[i] = f
        if abs(phi - 1.0) < _TOL:
            phistar += 1.0
        else:  # phi + ... + phi^(i+2); R's C code adds phi^(i+1), its class1 is right
            phistar += phi ** (i + 2)
    return out


@njit(cache=True, nogil=True)
def simulate(state, m, error, trend, season, alpha, beta, gamma, phi, eps):
    """R's ``etssimulate`` for every row of ``eps`` (shape (n_paths, h)) of innovations.

    Multiplicative errors below -1 are clipped to -1 as R does. Returns (n_paths, h).
    """
    npaths, h = eps.shape
    out = np.empty((npaths, h))
    off = 1 + (trend > 0)
    mm = m if season > 0 else 1
    s = np.zeros(mm)
    for k in range(npaths):
        l = state[0]
        b = state[1] if trend > 0 else 0.0
        if season > 0:
            for j in range(m):
                s[j] = state[off + j]
        for i in range(h):
            f = _one_step(l, b, s, mm, trend, season, phi)
            if error == 1:
                yi = f + eps[k, i]
            else:
                yi = f * (1.0 + max(eps[k, i], -1.0))
            out[k, i] = yi
            l, b = _update(l, b, s, mm, trend, season, alpha, beta, gamma, phi, yi)
    return out
