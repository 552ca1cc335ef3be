"""Notebook views of montecarlo's results: escaped ``_repr_html_`` and the dashboard's figures."""

from __future__ import annotations

import numpy as np
import pytest

import plots
from montecarlo import (
    BootstrapSimulator,
    IIDSimulator,
    MonteCarloValueError,
    SeasonalSimulator,
    calibration_backtest,
    load_monthly_units,
    simulate_target,
    target_probability,
)

HOSTILE = '<script>alert("x")</script>&'


def test_target_result_html_escapes_and_shows_the_numbers() -> None:
    paths = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, 0.5], [4.0, 4.0]])
    r = target_probability(paths, actual_to_date=10.0, target=15.0, method=HOSTILE)
    page = r._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    # totals 13, 17, 11, 18: 2 of 4 reach 15; standard error sqrt(0.5 * 0.5 / (4 - 1))
    assert "50.0% ± 28.87 pp" in page
    assert "gap" in page and ">5 in 2 month(s)<" in page
    assert "<td>0.5</td><td>15</td>" in page  # the median total


@pytest.fixture(scope="module")
def kept():
    y = load_monthly_units()
    r = simulate_target(SeasonalSimulator(), y, as_of="2015-09", target=183.0, n_paths=2000,
                        rng=0, keep_paths=True)  # fmt: skip
    return y, r


def test_target_result_plot_is_the_dashboards_totals_histogram(kept) -> None:
    _, r = kept
    totals = r.actual_to_date + r.paths.sum(axis=1)
    assert r.method == "SeasonalSimulator"  # simulate_target labels a result by its class
    want = plots.totals_histogram({r.method: totals}, 183.0)
    assert r.plot().to_json() == want.to_json()
    assert r.plot("totals").to_json() == want.to_json()
    gauge = plots.probability_gauge(r.probability, r.ci, method=r.method, target=183.0)
    assert r.plot("gauge").to_json() == gauge.to_json()
    assert 0.0 < r.probability < 1.0


def test_target_result_plot_without_paths_draws_the_gauge_and_refuses_totals(kept) -> None:
    y, _ = kept
    r = simulate_target(SeasonalSimulator(), y, as_of="2015-09", target=183.0, n_paths=500, rng=0)
    assert r.paths is None
    assert r.plot().data[0].type == "indicator"
    with pytest.raises(MonteCarloValueError, match="keep_paths=True"):
        r.plot("totals")
    with pytest.raises(MonteCarloValueError, match="'kind' parameter of TargetResult.plot"):
        r.plot("pie")


@pytest.fixture(scope="module")
def backtest():
    y = load_monthly_units().rename(HOSTILE)
    sims = {HOSTILE: IIDSimulator(dist="norm"), "bootstrap": BootstrapSimulator()}
    return calibration_backtest(y, sims, n_paths=300, rng=0)


def test_backtest_html_shows_the_verdicts_escaped(backtest) -> None:
    page = backtest._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    years = backtest.scores["year"]
    assert f"years {years.min()}-{years.max()}" in page
    verdicts = backtest.summary.set_index("method")["calibrated"]
    assert verdicts[HOSTILE] == "no"  # the iid method misses the weak fourth quarter
    assert page.count("<td>no</td>") == int((verdicts == "no").sum())
    assert f"<td>{backtest.summary['crps'].iloc[0]:.3g}</td>" in page


def test_backtest_plot_is_the_dashboards_charts(backtest) -> None:
    assert backtest.plot().to_json() == plots.calibration_chart(backtest.summary).to_json()
    assert backtest.plot("pit").to_json() == plots.pit_chart(backtest.scores).to_json()
    with pytest.raises(MonteCarloValueError, match="'kind' parameter of BacktestResult.plot"):
        backtest.plot("bars")
