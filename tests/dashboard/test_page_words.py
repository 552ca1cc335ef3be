"""Library errors on the dashboard name the page's widgets, not Python parameters
(issue 14 item 7): a bad upload on every page, driven with streamlit's AppTest.

The library's own message says "The 'history' parameter of SeasonalSimulator.fit ...";
the page must say which upload box (and file) that was, and keep the rest of the message
(what was expected, what came). About 60 s on a quiet 2-core machine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import AnalyticsValueError, load_takeout, rows_from_table
from forecast import ForecastValueError, backtest, make_model

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "dashboard" / "views"
TIMEOUT = 180


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=TIMEOUT)
    at.run()
    return at


def _upload(at: AppTest, name: str, content: bytes) -> None:
    at.sidebar.radio[0].set_value("Upload a CSV or Excel file")
    at.run()
    at.sidebar.file_uploader[0].set_value((name, content, "text/csv"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def _no_parameter_words(text: str) -> None:
    assert "parameter of" not in text, text
    assert "' of simulate_target" not in text, text


def _monthly_csv(n: int) -> bytes:
    months = pd.period_range("2020-01", periods=n, freq="M").to_timestamp()
    return (
        pd.DataFrame({"month": months.strftime("%Y-%m-%d"), "units": range(10, 10 + n)})
        .to_csv(index=False)
        .encode()
    )


def test_target_page_short_upload_names_the_upload_box_and_the_file():
    at = _page("1_target_risk.py")
    _upload(at, "short.csv", _monthly_csv(19))
    warnings = " ".join(w.value for w in at.warning)
    # the library's words for the same refusal, and the page's
    lib = "The 'history' parameter of SeasonalSimulator.fit needs at least 24 months"
    box = "The series uploaded as 'Monthly series (CSV or Excel)' (short.csv)"
    assert f"seasonal could not run on this data: {box} needs at least 24 months of history. " \
        "Got 19 instead." in warnings  # fmt: skip
    assert f"Backtest not possible: {box} needs at least 24 months" in warnings
    assert lib not in warnings
    _no_parameter_words(warnings)


def test_forecast_page_short_upload_names_the_upload_box_and_the_file():
    y = pd.Series(range(10, 30), index=pd.period_range("2020-01", periods=20, freq="M"))
    with pytest.raises(ForecastValueError, match=r"The 'y' parameter of backtest is too short"):
        backtest(make_model("ets"), y.astype(float), 12, 3)  # the library's wording
    at = _page("2_forecast.py")
    _upload(at, "sales.csv", _monthly_csv(20))
    errors = " ".join(e.value for e in at.error)
    assert (
        "Backtest of ETS not possible: The series uploaded as 'Series: monthly, quarterly, "
        "weekly or daily (CSV or Excel)' (sales.csv) is too short for 3 windows"
    ) in errors
    assert "it needs more than 36 observations. Got 20 instead." in errors
    _no_parameter_words(errors)


def test_search_page_bad_upload_names_the_upload_box(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{not json")
    with pytest.raises(AnalyticsValueError, match=r"The 'path' parameter of load_takeout"):
        load_takeout(bad)
    at = _page("3_search_history.py")
    at.file_uploader(key="search-file").set_value(("bad.json", b"{not json", "application/json"))
    at.run()
    assert not at.exception
    msg = at.error[0].value
    assert msg.startswith(
        "Could not read 'bad.json': The file uploaded as 'Takeout export' (bad.json) must name "
        "a Google Takeout export with My Activity files"
    ), msg
    assert "has no activity entries" in msg
    _no_parameter_words(msg)


def test_online_page_bad_uploaded_rows_name_the_upload_box():
    frame = pd.DataFrame({"population_10k": [5.5, 6.0], "profit_10k": ["n/a", 2.0]})
    with pytest.raises(AnalyticsValueError, match=r"of the 'frame' parameter of rows_from_table"):
        rows_from_table(frame, features=["population_10k"], target="profit_10k")
    at = _page("4_online_regression.py")
    at.button(key="ol-fit").click()
    at.run()
    at.file_uploader(key="ol-new").set_value(
        ("rows.csv", frame.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.button(key="ol-stream-up").click()
    at.run()
    assert not at.exception
    msg = " ".join(e.value for e in at.error)
    assert (
        "Could not stream 'rows.csv': Column 'profit_10k' of the rows uploaded as "
        "'Upload rows (CSV with population_10k, profit_10k)' (rows.csv), row 0 must be a number"
    ) in msg, msg
    _no_parameter_words(msg)
