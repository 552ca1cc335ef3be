"""The question service: what every front end renders, computed once, with real numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import ForecastValueError, answer_question, default_target
from kernel import stream_rng
from montecarlo import (
    FitError,
    IIDSimulator,
    fitted_distribution,
    format_params,
    load_monthly_units,
    simulate_target,
)


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return load_monthly_units()


@pytest.fixture(scope="module")
def answer(units):
    return answer_question(units, as_of="2015-09", target=186, methods=["iid-normal", "seasonal"],
                           n_paths=4000, seed=2, keep_paths=True, fits=False)  # fmt: skip


def test_each_method_is_simulate_target_with_the_seed_rule(units, answer):
    own = simulate_target(
        IIDSimulator(dist="norm", truncate="observed"), units, as_of="2015-09", target=186,
        n_paths=4000, rng=stream_rng(2, "units", "iid-normal"),
    )  # fmt: skip
    assert answer.results["iid-normal"].probability == own.probability
    assert answer.results["iid-normal"].ci == own.ci
    assert answer.series == "units" and answer.horizon == 3
    assert answer.actual_to_date == pytest.approx(141.7054, abs=5e-5)
    assert answer.gap == pytest.approx(186 - 141.7054, abs=5e-5) and not answer.target_reached


def test_table_has_the_interval_at_the_level_and_no_verdict_without_backtest(answer):
    t = answer.table()
    assert list(t["method"]) == ["iid-normal", "seasonal"]
    assert set(t["verdict"]) == {"not backtested"} and not t["recommended"].any()
    r = answer.results["iid-normal"]
    row = t.iloc[0]
    assert (row["total_low"], row["total_high"]) == r.interval(0.9)
    assert row["total_low"] == r.quantiles[0.05] and row["total_median"] == r.quantiles[0.5]
    assert answer.headline == "iid-normal"  # no recommendation: the first method


def test_curves_are_survival_functions_of_the_kept_totals(answer):
    curves = answer.curves(n_points=41)
    assert set(curves["method"]) == {"iid-normal", "seasonal"} and len(curves) == 82
    for _, c in curves.groupby("method"):
        assert (np.diff(c["probability"].to_numpy()) <= 1e-15).all()
    assert curves["target"].min() <= 186 <= curves["target"].max()
    at = answer.probability_at(186.0).set_index("method")["probability"]
    for name, r in answer.results.items():
        assert at[name] == pytest.approx(r.probability, abs=1e-12)
        totals = answer.totals()[name]
        assert float(np.mean(totals >= 186.0)) == pytest.approx(r.probability, abs=1e-12)


def test_the_series_name_picks_the_stream(units):
    kw = dict(as_of="2015-09", target=186, methods=["iid-normal"], n_paths=2000, fits=False)
    a = answer_question(units, series="north", **kw)
    b = answer_question(units.rename("north"), **kw)
    c = answer_question(units, **kw)
    assert a.series == b.series == "north" and c.series == "units"
    assert a.results["iid-normal"] == b.results["iid-normal"] != c.results["iid-normal"]


def test_a_target_already_reached_is_said_and_every_method_says_one(units):
    a = answer_question(units, as_of="2015-09", target=-5, methods=["iid-normal", "bootstrap"],
                        n_paths=1000, fits=False)  # fmt: skip
    assert a.target_reached and a.gap < 0
    assert all(r.probability == 1.0 for r in a.results.values())
    assert a.to_dict()["target_reached"] is True


def test_backtest_verdicts_recommendation_and_a_history_too_short_for_it(units):
    a = answer_question(units, as_of="2015-09", target=186, methods=["iid-normal", "seasonal"],
                        n_paths=1000, backtest=True, backtest_paths=300, fits=False)  # fmt: skip
    assert a.verdicts() == {"iid-normal": "not calibrated", "seasonal": "calibrated"}
    assert a.headline == "seasonal" and a.recommendation.calibrated
    assert a.table()["recommended"].tolist() == [False, True]
    short = units.loc["2012-01":"2015-12"]
    b = answer_question(short, as_of="2015-09", target=186, methods=["iid-normal"],
                        n_paths=1000, backtest=True, backtest_paths=300, fits=False)  # fmt: skip
    assert b.backtest is None and "no year to score" in b.backtest_error
    assert b.verdicts() == {"iid-normal": "not backtested"}


def test_bad_questions_name_the_parameter(units):
    kw = dict(as_of="2015-09", target=186, n_paths=500, fits=False)
    with pytest.raises(ForecastValueError, match="method 'prophet' is not registered.*seasonal"):
        answer_question(units, methods=["prophet"], **kw)
    with pytest.raises(ForecastValueError, match="'level'.*in \\(0, 1\\). Got 1.5"):
        answer_question(units, methods=["iid-normal"], level=1.5, **kw)
    with pytest.raises(ForecastValueError, match="No method could answer.*seasonal: .*"):
        answer_question(units.loc["2015-01":], methods=["seasonal"], **kw)
    # one method that refuses the data does not stop the others
    a = answer_question(units.loc["2014-01":], methods=["iid-normal", "seasonal"], **kw)
    assert list(a.results) == ["iid-normal"] and "seasonal" in a.errors


def test_default_target(units):
    assert default_target(units, "2015-09") == 186.0  # the classic question
    assert default_target(units, "2014-03") == round(1.02 * float(units.loc["2013"].sum()), 2)
    shifted = units.loc["2010-01":]  # not the sample any more: last year + 2%
    assert default_target(shifted, "2015-09") == round(1.02 * float(units.loc["2014"].sum()), 2)
    first_year = units.loc["2000-01":"2000-06"]  # no complete last year: the run rate
    assert default_target(first_year, "2000-06") == round(float(first_year.sum()) * 2, 2)


def test_fit_helpers_every_front_end_shares(units):
    x = units.loc[:"2015-09"].to_numpy()
    assert format_params({"mean": 14.123456, "sd": 2.0, "type": "SB"}) == (
        "mean=14.12, sd=2, type=SB"
    )
    norm = fitted_distribution(x, "norm")
    assert norm.mean() == pytest.approx(x.mean()) and norm.std() == pytest.approx(x.std())
    # the Johnson quantile fit is refused where its support excludes data, as in compare_fits
    with pytest.raises(FitError, match="excludes 2 of the 189 observed values"):
        fitted_distribution(x, "johnson")
    heavy = np.random.default_rng(0).standard_t(5, size=400) + 10  # unbounded: Johnson SU
    johnson = fitted_distribution(heavy, "johnson")
    assert johnson.ppf(0.5) == pytest.approx(np.median(heavy), rel=1e-2)
    assert isinstance(norm.dist, type(stats.norm))
