"""forecast_many / answer_many: many series of a long table in one call (issue 13 item 1).

Every number is compared with the per-series API to the digit (``==``, not approx), in
process, on 2 local processes and on a Dask LocalCluster. Short series (3-4 of 36-72
months) keep the file near a minute on 2 busy cores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import (
    ForecastTypeError,
    ForecastValueError,
    answer_many,
    answer_question,
    forecast_many,
    series_model,
    series_random_state,
)
from montecarlo import load_monthly_units

MODELS = ["ets", "theta", "snaive", "drift", "naive2"]
LEVELS = (80, 95)
QUANTILES = (0.025, 0.1, 0.9, 0.975)
TINY_LSTM = {"hidden_size": 4, "n_models": 1, "max_epochs": 3, "patience": 2}


def series_of() -> dict[str, pd.Series]:
    units = load_monthly_units()
    quarterly = units.loc["2006-01":"2015-12"].groupby(lambda p: p.asfreq("Q")).sum()
    quarterly.index = pd.PeriodIndex(quarterly.index, freq="Q")
    return {
        "north": units.loc["2010-01":"2015-12"],
        "south": units.loc["2012-01":"2015-09"] * 1.7 + 3,
        "east": quarterly,
    }


def long_of(series: dict[str, pd.Series], *, timestamps: bool = True) -> pd.DataFrame:
    parts = []
    for uid, s in series.items():
        ds = s.index.to_timestamp() if timestamps else s.index
        parts.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": s.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    # rows shuffled: the call sorts each series by date itself
    return long_of(series_of()).sample(frac=1.0, random_state=7).reset_index(drop=True)


@pytest.fixture(scope="module")
def in_process(table: pd.DataFrame) -> pd.DataFrame:
    return forecast_many(table, models=MODELS, horizon=6, level=LEVELS)


def test_every_series_and_model_equals_the_per_series_api_to_the_digit(table, in_process):
    fc = in_process
    assert fc.columns.tolist() == [
        "unique_id", "ds", "model", "mean", "lo-95", "lo-80", "hi-80", "hi-95", "error",
    ]  # fmt: skip
    assert fc["error"].isna().all()
    first_seen = list(dict.fromkeys(table["unique_id"]))
    assert list(dict.fromkeys(fc["unique_id"])) == first_seen and len(first_seen) == 3
    for uid, y in series_of().items():
        for name in MODELS:
            got = fc[(fc["unique_id"] == uid) & (fc["model"] == name)]
            ref = series_model(name, series=uid).fit(y).predict(6, QUANTILES)
            assert list(got["ds"]) == list(ref.index)
            assert got["mean"].tolist() == ref["mean"].tolist()
            assert got["lo-95"].tolist() == ref["q0.025"].tolist()
            assert got["lo-80"].tolist() == ref["q0.1"].tolist()
            assert got["hi-80"].tolist() == ref["q0.9"].tolist()
            assert got["hi-95"].tolist() == ref["q0.975"].tolist()
    north_snaive = fc[(fc["unique_id"] == "north") & (fc["model"] == "snaive")]
    assert north_snaive["mean"].tolist() == series_of()["north"].iloc[-12:-6].tolist()
    east = fc[fc["unique_id"] == "east"]["ds"]
    assert str(east.iloc[0]) == "2016Q1" and str(east.iloc[5]) == "2017Q2"


def test_two_local_processes_and_row_order_give_identical_numbers(table, in_process):
    two = forecast_many(table, models=MODELS, horizon=6, level=LEVELS, n_jobs=2)
    pd.testing.assert_frame_equal(two, in_process)
    alone = forecast_many(
        table[table["unique_id"] == "north"].iloc[::-1], models=MODELS, horizon=6, level=LEVELS
    )
    same = in_process[in_process["unique_id"] == "north"].reset_index(drop=True)
    assert alone["ds"].dtype == pd.PeriodDtype("M")  # one frequency: a period column
    pd.testing.assert_frame_equal(alone.astype({"ds": object}), same)


def test_dask_local_cluster_client_and_address_give_identical_numbers(table, in_process):
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        by_client = forecast_many(table, models=MODELS, horizon=6, level=LEVELS,
                                  scheduler=client)  # fmt: skip
        by_address = forecast_many(table, models=["snaive"], horizon=6, level=LEVELS,
                                   scheduler=cluster.scheduler_address)  # fmt: skip
        units = long_of({"north": load_monthly_units()})
        risk = answer_many(units, {"north": 186.0}, scheduler=client, **ANSWER)
        assert client.status == "running"  # a client handed in is left open
    assert risk.equals(answer_many(units, {"north": 186.0}, **ANSWER))
    assert 0.2 < risk["probability"].iloc[0] < 0.35
    pd.testing.assert_frame_equal(by_client, in_process)
    snaive = in_process[in_process["model"] == "snaive"].reset_index(drop=True)
    pd.testing.assert_frame_equal(by_address, snaive)


def test_seed_rule_per_series_id_not_per_position():
    y = load_monthly_units().loc["2011-01":"2015-12"]
    twins = long_of({"a": y, "b": y})
    fc = forecast_many(twins, models={"lstm": TINY_LSTM}, horizon=3, level=None, seed=5)
    a, b = (fc.loc[fc["unique_id"] == k, "mean"].to_numpy() for k in "ab")
    assert not np.array_equal(a, b)  # same data, other id: another random_state
    ref = series_model("lstm", seed=5, series="b", **TINY_LSTM).fit(y).predict(3, None)
    assert b.tolist() == ref["mean"].tolist()
    assert ref.shape == (3, 1) and fc.columns.tolist() == [
        "unique_id", "ds", "model", "mean", "error",
    ]  # fmt: skip
    alone = forecast_many(long_of({"b": y}), models={"lstm": TINY_LSTM}, horizon=3,
                          level=None, seed=5)  # fmt: skip
    assert alone["mean"].tolist() == b.tolist()
    assert series_random_state(5, "b", "lstm") != series_random_state(6, "b", "lstm")


def test_a_failing_series_gets_an_error_row_and_the_others_go_on(capsys):
    y = load_monthly_units()
    data = long_of({"long": y.loc["2013-01":"2015-12"], "short": y.loc["2015-01":"2015-08"]})
    ticks: list[int] = []
    fc = forecast_many(data, models=["snaive", "naive"], horizon=4, level=(80,),
                       progress=ticks.append)  # fmt: skip
    assert ticks == [1, 1]
    assert capsys.readouterr() == ("", "")  # the library prints nothing unless asked
    failed = fc[fc["error"].notna()]
    assert failed[["unique_id", "model"]].values.tolist() == [["short", "snaive"]]
    assert "at least" in failed["error"].iloc[0]
    assert np.isnan(failed["mean"].iloc[0]) and pd.isna(failed["ds"].iloc[0])
    naive_short = fc[(fc["unique_id"] == "short") & (fc["model"] == "naive")]
    assert naive_short["mean"].tolist() == [y.loc["2015-08"]] * 4
    assert len(fc[fc["unique_id"] == "long"]) == 8


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (lambda d: d.drop(columns="y"), ForecastValueError, ["no column 'y'", "value_col"]),
        (lambda d: pd.concat([d, d.iloc[[3]]]), ForecastValueError,
         ["one row per (unique_id, ds)", "'north' at 2010-04-01,", "series 'north'"]),
        (lambda d: d.assign(y=d["y"].astype(object).where(d.index != 5, "n/a")),
         ForecastTypeError, ["'y' column", "'n/a' (row 5)", "series 'north'"]),
        (lambda d: d.assign(y=d["y"].where(d.index != 8)), ForecastValueError,
         ["finite numbers", "1 missing", "series 'north'"]),
        (lambda d: d.assign(ds=d["ds"].where(d["unique_id"] != "north",
                                             pd.Timestamp("2020-01-01")
                                             + pd.to_timedelta(np.arange(len(d)) ** 2, "D"))),
         ForecastValueError, ["'ds' column", "regular dates", "'north'"]),
        (lambda d: d.assign(ds=d["ds"].astype(object).where(d.index != 2, "soon")),
         ForecastValueError, ["'ds' column", "'soon'"]),
    ],
    ids=["missing-column", "duplicates", "text-value", "missing-value", "irregular", "bad-date"],
)  # fmt: skip
def test_bad_tables_are_refused_naming_the_column_and_the_ids(change, error, words):
    data = long_of(series_of())
    with pytest.raises(error) as info:
        forecast_many(change(data), models=["naive"], horizon=2)
    for w in words:
        assert w in str(info.value)


def test_bad_parameters_are_refused_naming_them(table):
    cases = [
        ({"models": ["ets", "prophet"]}, "'prophet'"),
        ({"models": []}, "at least one"),
        ({"models": ["iid-normal"]}, "registered forecasters"),
        ({"horizon": 0}, "'horizon'"),
        ({"level": (80, 120)}, "'level'"),
        ({"n_jobs": 0}, "'n_jobs'"),
        ({"n_jobs": 2, "scheduler": "tcp://127.0.0.1:1"}, "not both"),
        ({"id_col": "series"}, "no column 'series'"),
    ]
    for kwargs, words in cases:
        args = {"models": ["naive"], "horizon": 2, **kwargs}
        with pytest.raises((ForecastValueError, ForecastTypeError)) as info:
            forecast_many(table, **args)
        assert words in str(info.value), kwargs
    with pytest.raises(ForecastTypeError, match="'df' parameter"):
        forecast_many(table.to_numpy(), models=["naive"], horizon=2)


def test_configurable_column_names_and_period_dates():
    data = long_of(series_of(), timestamps=False).rename(
        columns={"unique_id": "store", "ds": "month", "y": "units"}
    )
    data = data[data["store"] != "east"]
    fc = forecast_many(data, models=["naive"], horizon=2, level=80, id_col="store",
                       time_col="month", value_col="units")  # fmt: skip
    assert fc.columns.tolist() == ["store", "month", "model", "mean", "lo-80", "hi-80", "error"]
    assert fc["month"].dtype == pd.PeriodDtype("M")
    last = [series_of()[k].iloc[-1] for k in ("north", "south")]
    assert fc["store"].tolist() == ["north"] * 2 + ["south"] * 2
    assert fc["mean"].tolist() == [last[0]] * 2 + [last[1]] * 2


# ---------------------------------------------------------------------- P(hit)
ANSWER = {"as_of": "2015-09", "methods": ["iid-normal", "seasonal"], "n_paths": 2000,
          "backtest_paths": 300}  # fmt: skip


def test_answer_many_equals_answer_question_per_series_and_on_two_processes():
    units = load_monthly_units()
    series = {"north": units, "south": units * 1.3, "tiny": units.loc["2015-01":"2015-09"]}
    data = long_of(series)
    targets = {"north": 186.0, "south": 240.0, "tiny": 150.0}
    out = answer_many(data, targets, **ANSWER)
    assert len(out) == 6 and out.columns[0] == "unique_id"
    for uid in ("north", "south"):
        ref = answer_question(series[uid], as_of="2015-09", target=targets[uid],
                              methods=ANSWER["methods"], n_paths=2000, backtest=True,
                              backtest_paths=300, series=uid, fits=False).table()  # fmt: skip
        got = out[out["unique_id"] == uid].reset_index(drop=True)
        for col in ("probability", "std_error", "ci_low", "total_median", "verdict",
                    "recommended"):  # fmt: skip
            assert got[col].tolist() == ref[col].tolist(), col
        assert got["error"].isna().all()
    assert out.loc[out["unique_id"] == "north", "recommended"].sum() == 1
    tiny = out[out["unique_id"] == "tiny"]
    assert tiny["error"].notna().all() or (tiny["verdict"] == "not backtested").all()
    two = answer_many(data, pd.Series(targets), n_jobs=2, **ANSWER)
    pd.testing.assert_frame_equal(two, out)


def test_answer_many_targets_from_a_column_and_its_errors():
    units = load_monthly_units().loc["2008-01":"2015-12"]
    data = long_of({"a": units, "b": units * 2})
    data["goal"] = np.where(data["unique_id"] == "a", 150.0, 300.0)
    out = answer_many(data, "goal", methods=["iid-normal"], as_of="2015-06", n_paths=1000,
                      backtest=False)  # fmt: skip
    assert out["target"].tolist() == [150.0, 300.0]
    assert (out["verdict"] == "not backtested").all()
    with pytest.raises(ForecastValueError, match="no entry for series 'b'"):
        answer_many(data, {"a": 1.0}, methods=["iid-normal"])
    with pytest.raises(ForecastValueError, match="not in 'df': 'zz'"):
        answer_many(data, {"a": 1.0, "b": 2.0, "zz": 3.0}, methods=["iid-normal"])
    data.loc[3, "goal"] = 1.0
    with pytest.raises(ForecastValueError, match="one target per series. Series 'a'"):
        answer_many(data, "goal", methods=["iid-normal"])
    with pytest.raises(ForecastValueError, match="finite number"):
        answer_many(data, {"a": float("nan"), "b": 1.0}, methods=["iid-normal"])
    with pytest.raises(ForecastValueError, match="not registered"):
        answer_many(data, {"a": 1.0, "b": 2.0}, methods=["nope"])


def test_progress_true_draws_a_bar_on_stderr_only(capsys):
    y = load_monthly_units().loc["2014-01":"2015-12"]
    fc = forecast_many(long_of({"a": y, "b": y + 1}), models=["naive"], horizon=2,
                       n_jobs=np.int64(1), progress=True)  # fmt: skip
    out, err = capsys.readouterr()
    assert out == "" and "0/2 [" in err and "series/s" in err
    assert fc["mean"].tolist() == [y.iloc[-1]] * 2 + [y.iloc[-1] + 1] * 2
