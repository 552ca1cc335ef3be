"""The dashboard's shared translations, as plain functions (well under 1 s): library
parameter names -> the page's widgets, code-style column names -> readable headers, and
the fit table's "not comparable" notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard._fits import not_comparable_notes
from dashboard._labels import column_config, label
from dashboard._words import in_user_words, upload_words, widget_words

WORDS = {
    "history": upload_words("Monthly series (CSV or Excel)", "sales.csv", "series"),
    "n_paths": widget_words("Paths per method"),
}


def test_parameter_phrases_become_the_widgets_that_fed_them():
    lib = ("The 'history' parameter of SeasonalSimulator.fit needs at least 24 months of "
           "history. Got 19 instead.")  # fmt: skip
    assert in_user_words(lib, WORDS) == (
        "The series uploaded as 'Monthly series (CSV or Excel)' (sales.csv) needs at least 24 "
        "months of history. Got 19 instead."
    )
    # the older "The 'history' of simulate_target" form, mid-sentence lower case
    assert in_user_words("so the 'n_paths' of simulate_target must be >= 1.", WORDS) == (
        "so the box 'Paths per method' must be >= 1."
    )
    assert in_user_words("Row 3 of the 'history' parameter of f() is empty.", WORDS) == (
        "Row 3 of the series uploaded as 'Monthly series (CSV or Excel)' (sales.csv) is empty."
    )


def test_unknown_parameters_and_other_quotes_are_left_alone():
    text = "The 'seed' parameter of run_method must be an int. The 'date' column of a.csv is bad."
    assert in_user_words(text, WORDS) == text  # 'seed' is not this map's; a column is no parameter
    assert in_user_words(text, None) == text


def test_readable_labels_for_known_quantile_and_coverage_columns():
    assert label("ci_low") == "P(hit) 95% CI low"
    assert label("total_p50") == "Year total, median"
    assert label("q0.1") == "10% quantile" and label("q0.975") == "97.5% quantile"
    assert label("coverage_0.8") == "80% interval coverage"
    assert label("units") == "units"  # a user's own column keeps its name
    config = column_config(["reason", "aicc"])
    assert config["reason"]["label"] == "Reason" and config["reason"]["width"] == "large"
    assert config["aicc"]["label"] == "AICc" and config["aicc"].get("width") is None


def test_not_comparable_notes_name_the_columns_and_the_flag():
    table = pd.DataFrame(
        {"loglik": [-10.0, -np.inf, -12.0], "aic": [24.0, np.inf, 28.0],
         "flags": ["", "support-excludes-data", ""]},
        index=pd.Index(["norm", "johnson", "gamma"], name="dist"),
    )  # fmt: skip
    (note,) = not_comparable_notes(table)
    assert note.startswith("johnson: Log-likelihood, AIC not comparable: the Johnson row is ")
    assert "fitted support leaves out some of the observed values" in note
    # a finite Johnson row is still called a quantile fit, its figures indicative only
    finite = table.assign(loglik=[-10.0, -11.0, -12.0], aic=[24.0, 30.0, 28.0], flags="")
    (note,) = not_comparable_notes(finite)
    assert note.endswith("so its likelihood figures only indicate how it compares.")
    assert not not_comparable_notes(finite.drop(index="johnson"))
