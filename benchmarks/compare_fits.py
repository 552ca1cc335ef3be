"""compare_fits vs the fitter package on the 189 classic months, 7 families, same run.

Both tools fit norm, expon, weibull, lognorm, gamma, logistic and cauchy to the monthly
units sold up to 2015-09 and report goodness of fit. fitter (benchmark-only peer, ``pip
install fitter`` or ``pip install -e ".[bench]"``) fits scipy's free-location forms with
scipy's generic optimiser; it is timed sequentially (``max_workers=1``, threads) and with
its default process pool, and the faster of the two is the peer. The table also shows how
close each tool's likelihood gets to R fitdistrplus in the same 2-parameter forms (R's
log-likelihoods come from tests/montecarlo/fixtures/r_fits.json).

Run::

    python benchmarks/compare_fits.py [--repeat 7] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import machine, write_section
from montecarlo import compare_fits, load_monthly_units
from montecarlo.fit import DISTRIBUTIONS

FITTER_NAMES = {
    "norm": "norm",
    "expon": "expon",
    "weibull": "weibull_min",
    "lognorm": "lognorm",
    "gamma": "gamma",
    "logistic": "logistic",
    "cauchy": "cauchy",
}
FIXTURE = Path(__file__).resolve().parent.parent / "tests/montecarlo/fixtures/r_fits.json"


def _interleaved(fns: dict[str, Callable[[], object]], repeat: int) -> list[float]:
    """Median and best wall time of each function, run round by round (load hits all alike).

    Each round calls the cheap ``compare_fits`` 20 times and keeps the per-call mean, so a
    single preemption of the shared machine does not decide a 1-2 ms measurement.
    """
    for fn in fns.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            number = 20 if k == "ours" else 1
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            times[k].append((time.perf_counter() - t0) / number)
    out: list[float] = []
    for v in times.values():
        out += [statistics.median(v), min(v)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--write", action="store_true", help="write the BENCHMARKS.md section")
    args = ap.parse_args()
    try:
        from fitter import Fitter
    except ImportError:
        sys.exit("This benchmark needs the peer: pip install fitter")
    x = load_monthly_units()[:"2015-09"].to_numpy()
    names = list(FITTER_NAMES.values())

    def run_fitter(**kw: object) -> Fitter:
        f = Fitter(x, distributions=names, timeout=120)
        f.verbose = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f.fit(**kw)
        return f

    rep = args.repeat
    load0 = os.getloadavg()[0]
    fns = {
        "ours": lambda: compare_fits(x, DISTRIBUTIONS),
        "seq": lambda: run_fitter(max_workers=1, prefer="threads"),
        "par": lambda: run_fitter(),
    }
    t_ours, b_ours, t_seq, b_seq, t_par, b_par = _interleaved(fns, rep)
    t_peer, b_peer = min(t_seq, t_par), min(b_seq, b_par)

    ours = compare_fits(x, DISTRIBUTIONS)
    ref = json.loads(FIXTURE.read_text())["datasets"]["classic"]["fits"]
    fitted = run_fitter(max_workers=1, prefer="threads")
    rows = []
    for d in DISTRIBUTIONS:
        r_ll = ref[d]["loglik"]
        p = fitted.fitted_param.get(FITTER_NAMES[d])
        f_ll = float(np.sum(getattr(stats, FITTER_NAMES[d]).logpdf(x, *p))) if p else np.nan
        rows.append((d, ours.loc[d, "loglik"] - r_ll, f_ll - r_ll, p is not None and len(p)))

    lines = [
        "## compare_fits vs fitter (`benchmarks/compare_fits.py`)",
        "",
        f"Command: `python benchmarks/compare_fits.py --repeat {rep} --write`  ",
        f"Machine: {machine()}  ",
        "Data: 189 classic months (to 2015-09); 7 families: " + ", ".join(DISTRIBUTIONS) + ".",
        "",
        "| tool | median (s) | best of runs (s) | speed-up, medians | speed-up, best |",
        "|---|---:|---:|---:|---:|",
        f"| `compare_fits` (MLE, KS/CvM/AD, AIC/AICc/BIC, flags) | {t_ours:.4f} | "
        f"{b_ours:.4f} | 1x | 1x |",
        f"| fitter, sequential (`max_workers=1`) | {t_seq:.3f} | {b_seq:.3f} | "
        f"{t_seq / t_ours:.0f}x | {b_seq / b_ours:.0f}x |",
        f"| fitter, default process pool | {t_par:.3f} | {b_par:.3f} | {t_par / t_ours:.0f}x | "
        f"{b_par / b_ours:.0f}x |",
        "",
        f"Target >= 50x faster than fitter (faster of its two modes): medians "
        f"**{t_peer / t_ours:.0f}x**, best-of-runs **{b_peer / b_ours:.0f}x** "
        f"({'met' if t_peer / t_ours >= 50 else 'NOT met'} on medians). Load average at the "
        f"start of the run: {load0:.1f} on {os.cpu_count()} cores; the load of the shared "
        "machine varies from round to round, so both statistics are shown (the tools run "
        "interleaved, compare_fits 20 times per round).",
        "",
        "Log-likelihood minus R fitdistrplus's (same data). compare_fits uses R's 2-parameter "
        "forms and must be >= 0; fitter fits scipy's forms with a free location (more "
        "parameters), so its gain is not a like-for-like fit.",
        "",
        "| family | compare_fits - R | fitter - R | fitter's #params |",
        "|---|---:|---:|---:|",
    ]
    for d, a, b, k in rows:
        lines.append(f"| {d} | {a:+.2e} | {b:+.3g} | {k} |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section("compare_fits", text)


if __name__ == "__main__":
    main()
