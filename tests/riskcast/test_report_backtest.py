"""The batch report's honest headline: each P(hit) with its backtest verdict, the
recommended method first, "already reached" said plainly, backtests cached in the history
database. About 25 s in all on 2 busy cores."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast import answer_question
from montecarlo import load_monthly_units
from riskcast.report import HistoryDB, load_config, run_report
from riskcast.report.cache import backtest_key, dump_backtest, load_backtest
from tests.riskcast._report_helpers import write_config, write_portfolio

TWO = {"north": (1.0, 186.0), "south": (0.6, 110.0)}


class _Table(HTMLParser):
    """The cells' text of each row of the table with ``id="portfolio"``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("id", "portfolio") in attrs:
            self._in = True
        elif self._in and tag == "tr":
            self.rows.append([])
        elif self._in and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _portfolio_rows(html: str) -> dict[str, dict[str, str]]:
    parser = _Table()
    parser.feed(html)
    head, *body = parser.rows
    return {row[0]: dict(zip(head, row, strict=True)) for row in body}


@pytest.fixture
def two(tmp_path: Path, history_url: str) -> Path:
    write_portfolio(tmp_path, TWO)
    return write_config(
        tmp_path, series=TWO, history_url=history_url, extra_run="backtest_paths = 500"
    )


def test_report_shows_each_verdict_and_the_recommended_headline(two: Path) -> None:
    cfg = load_config(two)
    outcome = run_report(cfg)
    # the report renders what the question service computes for the same series
    north = 1.0 * load_monthly_units()
    a = answer_question(
        north, as_of="2015-09", target=186.0, methods=["iid-normal", "seasonal"],
        series="north", n_paths=4000, seed=7, backtest=True, backtest_paths=500, fits=False,
    )  # fmt: skip
    assert a.verdicts() == {"iid-normal": "not calibrated", "seasonal": "calibrated"}
    assert a.headline == "seasonal"
    csv = pd.read_csv(cfg.output_dir / "risk-report.csv")
    row = csv[csv.series_id == "north"].set_index("method")
    assert row.loc["iid-normal", "probability"] == a.results["iid-normal"].probability
    assert row["verdict"].to_dict() == a.verdicts()
    assert row["recommended"].to_dict() == {"iid-normal": False, "seasonal": True}
    doc = json.loads((cfg.output_dir / "risk-report.json").read_text())
    series = {s["series_id"]: s for s in doc["series"]}
    assert series["north"]["headline"] == "seasonal"
    assert series["north"]["calibrated"] is True
    assert series["north"]["recommendation"] == a.recommendation.reason
    assert series["north"]["target_reached"] is False
    assert {r["verdict"] for r in doc["results"]} == {"calibrated", "not calibrated"}

    html = (cfg.output_dir / "risk-report.html").read_text()
    table = _portfolio_rows(html)
    p_seasonal = f"{100 * a.results['seasonal'].probability:.1f}%"
    p_iid = f"{100 * a.results['iid-normal'].probability:.1f}%"
    assert table["north"]["headline"] == f"seasonal: {p_seasonal}recommended"
    assert table["north"]["iid-normal"].startswith(p_iid)
    assert table["north"]["iid-normal"].endswith("not calibrated")
    assert table["north"]["seasonal"].endswith("calibrated")
    assert f"<b>Headline:</b> seasonal says P(hit) = {p_seasonal}" in html
    assert outcome.series.set_index("series_id").loc["south", "headline"] == "seasonal"


def test_backtests_are_cached_and_a_changed_history_is_recomputed(
    two: Path, history_url: str
) -> None:
    cfg = load_config(two)
    first = run_report(cfg)
    assert (first.backtests_computed, first.backtests_cached) == (4, 0)
    db = HistoryDB(history_url)
    y = load_monthly_units()
    common = {"start": "2000-01", "as_of": "2015-09", "seed": 7, "backtest_paths": 500}
    keys = [
        backtest_key(series_id=sid, values=(k * y).to_numpy(), method=m, **common)
        for sid, (k, _) in TWO.items()
        for m in ("iid-normal", "seasonal")
    ]
    assert sorted(db.cached_backtests(keys)) == sorted(keys)  # stored under these keys

    second = run_report(cfg)  # same inputs: every backtest read from the database
    assert (second.backtests_computed, second.backtests_cached) == (0, 4)
    pd.testing.assert_frame_equal(first.results, second.results)
    pd.testing.assert_frame_equal(first.series, second.series)

    frame = pd.read_csv(cfg.data_path)
    frame.loc[(frame.series_id == "north") & (frame.date == "2009-03"), "value"] += 0.5
    frame.to_csv(cfg.data_path, index=False)
    third = run_report(cfg)  # north's history changed: its two backtests run again
    assert (third.backtests_computed, third.backtests_cached) == (2, 2)
    assert len(db.cached_backtests(keys)) == 4  # the old entries stay, unused

    write_config(two.parent, series=TWO, history_url=history_url,
                 extra_run="backtest_paths = 600")  # fmt: skip
    fourth = run_report(load_config(two))
    assert (fourth.backtests_computed, fourth.backtests_cached) == (4, 0)


def test_target_already_reached_is_said_plainly(tmp_path: Path, history_url: str) -> None:
    series = {"done": (1.0, 100.0), "north": (1.0, 186.0)}  # done: 141.7 so far >= 100
    write_portfolio(tmp_path, series)
    cfg = load_config(
        write_config(tmp_path, series=series, history_url=history_url,
                     extra_run="backtest_paths = 500")
    )  # fmt: skip
    outcome = run_report(cfg)
    info = outcome.series.set_index("series_id")
    assert bool(info.loc["done", "target_reached"]) and not info.loc["north", "target_reached"]
    assert (outcome.results.set_index("series_id").loc["done", "probability"] == 1.0).all()
    html = (cfg.output_dir / "risk-report.html").read_text()
    assert (
        "The target 100 is already reached: the year to date (141.705) is at or above it, "
        "so every method says 100%." in html
    )
    assert "(target already reached)" in _portfolio_rows(html)["done"]["headline"]
    assert "already reached" not in _portfolio_rows(html)["north"]["headline"]


def test_backtest_off_or_impossible_says_not_backtested(tmp_path: Path, history_url: str) -> None:
    y = load_monthly_units()["2013-01":]  # too few complete years before 2015 to score one
    rows = [("short", str(p), v) for p, v in y.items()]
    pd.DataFrame(rows, columns=["series_id", "date", "value"]).to_csv(
        tmp_path / "sales.csv", index=False
    )
    cfg = load_config(
        write_config(tmp_path, targets="short = 180.0", history_url=history_url,
                     methods='["iid-normal"]')
    )  # fmt: skip
    outcome = run_report(cfg)
    assert list(outcome.results["verdict"]) == ["not backtested"]
    error = outcome.series["backtest_error"].iloc[0]
    assert isinstance(error, str) and error
    html = (cfg.output_dir / "risk-report.html").read_text()
    assert "Calibration backtest not possible" in html
    assert "<b>Headline (not backtested):</b> iid-normal" in html

    write_portfolio(tmp_path, TWO)
    cfg = load_config(
        write_config(tmp_path, series=TWO, history_url=history_url,
                     extra_run="backtest = false")
    )  # fmt: skip
    off = run_report(cfg)
    assert set(off.results["verdict"]) == {"not backtested"}
    assert not off.results["recommended"].any()
    assert (off.backtests_computed, off.backtests_cached) == (0, 0)
    assert list(off.series["headline"]) == ["iid-normal", "iid-normal"]  # first that ran


def test_backtest_key_changes_with_every_input_and_the_json_round_trips() -> None:
    y = load_monthly_units()
    base = {
        "series_id": "north", "values": y.to_numpy(), "start": "2000-01",
        "method": "iid-normal", "as_of": "2015-09", "seed": 7, "backtest_paths": 500,
    }  # fmt: skip
    k = backtest_key(**base)
    nudged = y.to_numpy().copy()
    nudged[5] = np.nextafter(nudged[5], np.inf)  # one value, last bit
    changes = [
        {"series_id": "south"}, {"values": nudged}, {"values": y.to_numpy()[:-1]},
        {"start": "2000-02"}, {"method": "seasonal"}, {"as_of": "2015-08"}, {"seed": 8},
        {"backtest_paths": 501},
    ]  # fmt: skip
    keys = {backtest_key(**{**base, **c}) for c in changes}
    assert len(keys) == len(changes) and k not in keys
    assert backtest_key(**base) == k

    a = answer_question(y, as_of="2015-09", target=186, methods=["iid-normal", "seasonal"],
                        n_paths=500, backtest=True, backtest_paths=300, fits=False)  # fmt: skip
    assert a.backtest is not None
    back = load_backtest(dump_backtest(a.backtest))
    for table in ("scores", "brier", "summary", "skipped"):
        pd.testing.assert_frame_equal(getattr(back, table), getattr(a.backtest, table))
    assert "NaN" not in dump_backtest(a.backtest)  # strict JSON for any database column


def test_no_calibrated_method_is_said_in_the_headline(tmp_path: Path, history_url: str) -> None:
    one = {"north": (1.0, 186.0)}
    write_portfolio(tmp_path, one)
    cfg = load_config(
        write_config(tmp_path, series=one, history_url=history_url, methods='["iid-normal"]',
                     extra_run="backtest_paths = 500")
    )  # fmt: skip
    outcome = run_report(cfg)
    info = outcome.series.iloc[0]
    assert info["recommended"] == "iid-normal" and not info["calibrated"]
    html = (cfg.output_dir / "risk-report.html").read_text()
    assert "<b>Headline (no method passed the backtest):</b> iid-normal says P(hit) = " in html
    cell = _portfolio_rows(html)["north"]["headline"]
    assert cell.endswith("recommended; no method passed the backtest")
