"""How the Target page shows :func:`montecarlo.compare_fits`' table.

The numbers are the library's. Two things are said in words instead of shown raw:
an infinite log-likelihood or criterion (a fit whose support leaves out observed values:
their density is zero, so the log-likelihood is -inf and AIC, AICc, BIC and the
Anderson-Darling statistic are infinite) reads "not comparable", and a caption says why,
from the row's own ``flags``; the Johnson row is Wheeler's quantile fit (as R SuppDists'
``JohnsonFit``), not a maximum-likelihood fit like the others, so its likelihood figures
only indicate how it compares.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from dashboard._labels import label

__all__ = ["NOT_COMPARABLE", "fit_styler", "not_comparable_notes"]

NOT_COMPARABLE = "not comparable"

#: compare_fits' numeric columns, shown with 6 significant digits.
_NUMBERS = ("loglik", "aic", "aicc", "bic", "ks", "cvm", "ad", "ks_pvalue", "cvm_pvalue",
            "ad_pvalue")  # fmt: skip
_COUNTS = ("rank", "k")

#: compare_fits' flags, in words.
FLAG_WORDS = {
    "support-excludes-data": (
        "its fitted support leaves out some of the observed values, which then have zero "
        "density, so the log-likelihood is -∞ and AIC, AICc, BIC and Anderson-Darling are "
        "infinite"
    ),
    "mass-below-zero>1%": "it gives more than 1% probability to values below zero",
}

_JOHNSON = (
    "the Johnson row is Wheeler's quantile fit (as R SuppDists' JohnsonFit), not a "
    "maximum-likelihood fit like the other rows"
)


def _number(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, (int, float)) and math.isinf(v):
        return NOT_COMPARABLE
    return f"{v:.6g}"


def _count(v: Any) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0f}"


def fit_styler(table: pd.DataFrame) -> Any:
    """The fit table's Styler: infinite cells read "not comparable", missing ones "—"."""
    numbers = [c for c in _NUMBERS if c in table.columns]
    counts = [c for c in _COUNTS if c in table.columns]
    return table.style.format(_number, subset=numbers).format(_count, subset=counts)


def not_comparable_notes(table: pd.DataFrame) -> list[str]:
    """One sentence per family with "not comparable" cells (and for the Johnson row),
    saying which columns and why, from the row's flags."""
    notes = []
    numbers = [c for c in _NUMBERS if c in table.columns]
    for family, row in table.iterrows():
        values = pd.to_numeric(row[numbers], errors="coerce").astype(float)
        bad = [c for c in numbers if math.isinf(values[c])]
        flags = [f.strip() for f in str(row.get("flags", "") or "").split(";") if f.strip()]
        why = [FLAG_WORDS[f] for f in flags if f in FLAG_WORDS and bad]
        if family == "johnson":
            why.insert(0, _JOHNSON)
        if bad:
            cols = ", ".join(label(c) for c in bad)
            notes.append(f"{family}: {cols} {NOT_COMPARABLE}: " + "; ".join(why) + ".")
        elif family == "johnson":
            notes.append(f"{family}: {_JOHNSON}, so its likelihood figures only indicate how "
                         "it compares.")  # fmt: skip
    return notes
