"""summarize on a hand-built history whose counts are worked out by hand.

Calendar facts used: 2020-01-06 was a Monday, 2020-03-01 a Sunday, 2022-02-01 a Tuesday;
2020 is a leap year; Paris is UTC+1 in winter and UTC+2 in summer.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.errors import AnalyticsTypeError, AnalyticsValueError
from analytics.search_history.summary import WEEKDAYS, summarize, tokenize

ROWS = [
    # local time (Paris), kind, query, domain
    ("2020-01-06 09:15", "search", "Weather Paris", "google.com"),
    ("2020-01-06 09:45", "search", "weather berlin", "google.com"),
    ("2020-01-07 21:00", "visit", None, "example.org"),
    ("2020-03-01 10:00", "search", "the weather in Paris", "google.fr"),
    ("2022-02-01 00:30", "search", "Wetter morgen und übermorgen", "google.de"),
    ("2022-02-01 00:40", "visit", None, "example.org"),
    ("2022-02-02 15:00", "view", None, "photos.example.net"),
]


def frame(rows=ROWS, tz: str = "Europe/Paris") -> pd.DataFrame:
    local = pd.DatetimeIndex([r[0] for r in rows]).tz_localize(tz)
    return pd.DataFrame(
        {
            "timestamp_utc": local.tz_convert("UTC"),
            "timestamp_local": local,
            "kind": [r[1] for r in rows],
            "query": [r[2] for r in rows],
            "domain": [r[3] for r in rows],
        }
    ).iloc[::-1]  # unsorted on purpose


def test_counts_by_year_month_hour_weekday() -> None:
    s = summarize(frame())
    assert s.n_entries == 7
    assert s.first == pd.Timestamp("2020-01-06 09:15", tz="Europe/Paris")
    assert s.by_year.index.tolist() == [2020, 2021, 2022]
    assert s.by_year.loc[2020].to_dict() == {
        "search": 3, "visit": 1, "view": 0, "other": 0, "total": 4
    }  # fmt: skip
    assert s.by_year.loc[2021, "total"] == 0
    assert s.by_year.loc[2022].to_dict() == {
        "search": 1, "visit": 1, "view": 1, "other": 0, "total": 3
    }  # fmt: skip
    assert len(s.by_month) == 26  # 2020-01 .. 2022-02, empty months included
    assert s.by_month.loc[pd.Period("2020-01", "M"), "total"] == 3
    assert s.by_month.loc[pd.Period("2020-02", "M"), "total"] == 0
    assert s.by_month["total"].sum() == 7
    hours = s.by_hour["total"]
    assert hours[hours > 0].to_dict() == {0: 2, 9: 2, 10: 1, 15: 1, 21: 1}
    assert s.by_weekday.index.tolist() == list(WEEKDAYS)
    assert s.by_weekday["total"].to_dict() == {
        "Monday": 2, "Tuesday": 3, "Wednesday": 1, "Thursday": 0,
        "Friday": 0, "Saturday": 0, "Sunday": 1,
    }  # fmt: skip
    assert s.hour_weekday.shape == (7, 24)
    assert s.hour_weekday.loc["Monday", 9] == 2
    assert s.hour_weekday.loc["Tuesday", 0] == 2
    assert s.hour_weekday.to_numpy().sum() == 7


def test_local_hours_follow_daylight_saving() -> None:
    utc = pd.DatetimeIndex(["2021-01-15 08:30", "2021-07-15 08:30"], tz="UTC")
    df = pd.DataFrame(
        {
            "timestamp_local": utc.tz_convert("Europe/Paris"),
            "kind": ["search", "search"],
            "query": ["a b", "a b"],
            "domain": ["google.com", "google.com"],
        }
    )
    hours = summarize(df).by_hour["total"]
    assert hours[9] == 1 and hours[10] == 1  # UTC+1 in January, UTC+2 in July


def test_gaps_longer_than_n_days() -> None:
    s = summarize(frame(), gap_days=30)
    assert len(s.gaps) == 2
    # 2020-03-01 10:00 -> 2022-02-01 00:30: 702 days minus 9.5 hours (both CET).
    assert s.gaps["days"].iloc[0] == pytest.approx(702 - 9.5 / 24)
    assert s.gaps["start"].iloc[0] == pd.Timestamp("2020-03-01 10:00", tz="Europe/Paris")
    # 2020-01-07 21:00 -> 2020-03-01 10:00: 54 days (leap February) minus 11 hours.
    assert s.gaps["days"].iloc[1] == pytest.approx(54 - 11 / 24)
    assert len(summarize(frame(), gap_days=60).gaps) == 1
    assert len(summarize(frame(), gap_days=1000).gaps) == 0


def test_top_words_searches_only_with_stop_words() -> None:
    s = summarize(frame(), min_word_count=2)
    assert s.top_words.values.tolist() == [["weather", 3], ["paris", 2]]
    s = summarize(frame(), min_word_count=1, stop_words=["PARIS"], top=3)
    assert s.top_words["word"].tolist() == ["weather", "berlin", "morgen"]
    assert "und" not in summarize(frame(), min_word_count=1, top=50).top_words["word"].tolist()
    kept = summarize(frame(), min_word_count=1, languages=("en",), top=50).top_words
    assert "und" in kept["word"].tolist()


def test_top_domains_visits_only() -> None:
    s = summarize(frame())
    assert s.top_domains.values.tolist() == [["example.org", 2]]


def test_tokenize_is_unicode_aware() -> None:
    assert tokenize("Übermorgen WETTER d'Annecy 2024 c'est ñandú ½ 東京 l’été") == [
        "übermorgen", "wetter", "annecy", "est", "ñandú", "東京", "été"
    ]  # fmt: skip


def test_empty_history() -> None:
    s = summarize(frame(rows=[]))
    assert s.n_entries == 0 and s.first is None
    assert s.by_year.empty and s.gaps.empty and s.top_words.empty
    assert s.by_hour["total"].sum() == 0
    assert s.to_dict()["n_entries"] == 0


def test_to_dict_is_json_ready() -> None:
    import json

    d = json.loads(json.dumps(summarize(frame()).to_dict()))
    assert d["by_year"]["2020"]["total"] == 4
    assert d["hour_weekday"]["Monday"][9] == 2
    assert d["top_domains"] == [["example.org", 2]]


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"min_word_count": 0}, "min_word_count", AnalyticsValueError),
        ({"min_word_count": "2"}, "min_word_count", AnalyticsTypeError),
        ({"top": -1}, "top", AnalyticsValueError),
        ({"gap_days": float("nan")}, "gap_days", AnalyticsValueError),
        ({"gap_days": -3}, "gap_days", AnalyticsValueError),
        ({"languages": ("en", "xx")}, "languages", AnalyticsValueError),
        ({"stop_words": "paris"}, "stop_words", AnalyticsTypeError),
    ],
)
def test_bad_parameters_are_named(kwargs: dict, name: str, error: type) -> None:
    with pytest.raises(error, match=f"'{name}' parameter of summarize"):
        summarize(frame(), **kwargs)


def test_bad_frames_are_named() -> None:
    with pytest.raises(AnalyticsTypeError, match="'df'"):
        summarize([1, 2])  # type: ignore[arg-type]
    with pytest.raises(AnalyticsValueError, match="'df'.*Missing"):
        summarize(frame().drop(columns=["kind"]))
    naive = frame().assign(timestamp_local=lambda d: d["timestamp_local"].dt.tz_localize(None))
    with pytest.raises(AnalyticsValueError, match="'df'.*time-zone aware"):
        summarize(naive)


def test_no_submodule_is_shadowed_by_a_package_attribute() -> None:
    import importlib
    import pkgutil

    import analytics.search_history as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        attr = getattr(pkg, info.name, module)
        assert attr is module, f"{info.name} names {attr!r}, not its module"
    assert callable(pkg.summarize) and pkg.summarize.__module__.endswith(".summary")
