"""``Answer.plot`` draws what the Target page draws: the page is run with streamlit's
AppTest and every chart it sends is compared, figure JSON for figure JSON, with the
answer of the same question (same history, as-of, target, methods, paths and seed)."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from forecast import answer_question
from montecarlo import load_monthly_units

PAGE = Path(__file__).resolve().parents[2] / "dashboard" / "views" / "1_target_risk.py"


def test_answer_plots_equal_the_target_pages_charts() -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.run()
    inputs = {w.label: w for w in at.sidebar.number_input}
    inputs["Paths per method"].set_value(2000)
    inputs["Backtest paths per year"].set_value(200)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    page = {c.proto.id.rsplit("-fig-", 1)[-1]: json.loads(c.proto.spec)
            for c in at.get("plotly_chart")}  # fmt: skip
    methods = list(at.sidebar.multiselect[0].value)
    assert methods == ["iid-normal", "iid-johnson", "seasonal", "bootstrap"]
    assert inputs["Year-end target"].value == 186.0 and inputs["Seed"].value == 0
    y = load_monthly_units()
    a = answer_question(y, as_of="2015-09", target=186.0, methods=methods, n_paths=2000, seed=0,
                        keep_paths=True, tornado_chart=True, backtest=True, backtest_paths=200,
                        fits=False)  # fmt: skip
    mine = {
        "gauge": a.plot("gauge"), "probability_bars": a.plot(),
        "totals_histogram": a.plot("totals"), "fan_chart": a.plot("fan", history=y),
        "calibration": a.plot("calibration"),
        "pit": a.plot("pit"), "tornado": a.plot("tornado"), "probability_curve": a.plot("curve"),
    }  # fmt: skip
    for key, fig in mine.items():
        assert page[key] == json.loads(fig.to_json()), key
    assert a.headline == "seasonal"  # the page's gauge, fan and tornado show the headline
