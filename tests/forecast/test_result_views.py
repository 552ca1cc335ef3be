"""Notebook views of forecast's results: ``Answer`` and ``ForecastResult``.

Each ``.plot()`` must be the figure the dashboard draws: the expected figures below are
built exactly as dashboard/views/1_target_risk.py and 2_forecast.py build them.
"""

from __future__ import annotations

import pandas as pd
import pytest

import plots as figures
from forecast import ForecastResult, ForecastValueError, SeasonalNaive, Theta, answer_question
from montecarlo import load_monthly_units

HOSTILE = "<img src=x onerror=alert('u')>"


@pytest.fixture(scope="module")
def history() -> pd.Series:
    return load_monthly_units().rename(HOSTILE)


@pytest.fixture(scope="module")
def run(history):
    # the Target page's call (dashboard._state.target_answer), with fewer paths
    return answer_question(
        history, as_of="2015-09", target=186.0, n_paths=3000, seed=0, keep_paths=True,
        tornado_chart=True, backtest=True, backtest_paths=400, fits=False,
    )  # fmt: skip


def test_answer_html_escapes_the_series_and_leads_with_the_headline(run) -> None:
    page = run._repr_html_()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(&#x27;u&#x27;)&gt;" in page
    head = run.headline
    r = run.results[head]
    assert head == run.recommendation.method == "seasonal"
    line = f"{head}: P(hit) = {100 * r.probability:.1f}% ± {100 * r.std_error:.2f} pp"
    assert f"{line} (calibrated)" in page
    for name, res in run.results.items():
        assert f"<td>{name}</td><td>{100 * res.probability:.1f}%</td>" in page
    assert page.count("<td>not calibrated</td>") == 2  # the two iid methods
    assert "total P5" in page and "total P95" in page  # the 90% interval of the total
    assert "Recommended: " in page and "141.705" in page


def test_answer_plots_are_the_target_pages_figures(run, history) -> None:
    period = pd.Period("2015-09", freq="M")
    target = 186.0
    table, best = run.table(), run.headline
    r_best = run.results[best]
    expected = {
        "bars": figures.probability_bars(table),
        "gauge": figures.probability_gauge(r_best.probability, r_best.ci, method=best,
                                           target=float(target)),
        "totals": figures.totals_histogram(run.totals(), float(target)),
        "calibration": figures.calibration_chart(run.backtest.summary),
        "pit": figures.pit_chart(run.backtest.scores),
        "tornado": figures.tornado_chart(run.tornados[best], base=run.results[best].quantiles[0.5],
                                         method=best, target=float(target)),
        "curve": figures.probability_curve_chart(run.curves(), float(target)),
    }  # fmt: skip
    for kind, fig in expected.items():
        assert run.plot(kind).to_json() == fig.to_json(), kind
    value_name = str(history.name or "value")  # the page's value_name
    fan = figures.fan_chart(history, run.paths["bootstrap"], period, method="bootstrap",
                            value_name=value_name)  # fmt: skip
    assert run.plot("fan", method="bootstrap", history=history).to_json() == fan.to_json()
    assert run.plot().to_json() == expected["bars"].to_json()


def test_answer_plot_refuses_what_it_cannot_draw(run, history) -> None:
    with pytest.raises(ForecastValueError, match="'kind' parameter of Answer.plot"):
        run.plot("pie")
    with pytest.raises(ForecastValueError, match="'method' parameter of Answer.plot"):
        run.plot("fan", method="ets", history=history)
    with pytest.raises(ForecastValueError, match="'history' parameter of Answer.plot"):
        run.plot("fan")
    bare = answer_question(history, as_of="2015-09", target=186.0, methods=["seasonal"],
                           n_paths=500, fits=False)  # fmt: skip
    with pytest.raises(ForecastValueError, match="backtest=True"):
        bare.plot("calibration")
    with pytest.raises(ForecastValueError, match="keep_paths=True"):
        bare.plot("totals")
    assert bare.plot("gauge").data[0].value == 100 * bare.results["seasonal"].probability
    assert "Not backtested" in bare._repr_html_()


def test_forecast_result_is_predict_with_the_forecast_pages_chart(history) -> None:
    model = Theta().fit(history)
    fc = model.predict(6, (0.1, 0.5, 0.9))
    res = model.predict_result(6, (0.1, 0.5, 0.9), label="Theta")
    assert isinstance(res, ForecastResult)
    pd.testing.assert_frame_equal(res.frame, fc)
    # the Forecast page: figures.forecast_chart(history, fc, model=model)
    want = figures.forecast_chart(history, fc, model="Theta")
    assert res.plot().to_json() == want.to_json()
    page = res._repr_html_()
    assert "<img" not in page and "&lt;img" in page
    assert "2000-01 to 2015-12 (192 periods)" in page
    assert f"<td>2016-01</td><td>{fc['mean'].iloc[0]:,.6g}</td>" in page
    assert SeasonalNaive().fit(history).predict_result(3).model == "SeasonalNaive"
