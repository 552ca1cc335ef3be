"""Only search history, no merged searches, the title's own link (issue 15, items 3-5).

Fixtures: ``mixed_products`` (tools/make_takeout_fixtures.py: 64 Search entries, 25 Ads,
15 Assistant, 10 YouTube, all JSON) and small exports written inline with the generator's
``json_entry`` / ``html_entry``. Expected counts are read from the generator's own entry
lists, not from the loader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.search_history import LoadReport, load_takeout, summarize
from tools.make_takeout_fixtures import (
    HTML_HEAD,
    HTML_TAIL,
    html_entry,
    json_entry,
    link,
    product_entries,
    random_entries,
    search_url,
)

MIXED = Path(__file__).parent / "fixtures" / "takeout" / "mixed_products"


def test_mixed_export_keeps_search_and_counts_the_rest_per_product() -> None:
    search = random_entries(60, seed=21, mean_gap_s=6 * 3600.0)  # as the generator wrote them
    n_search = sum(k == "search" for _, k, *_ in search) + 4  # + web/news + two 1 ms apart
    n_visit = sum(k == "visit" for _, k, *_ in search)
    df = load_takeout(MIXED, tz="Europe/Paris")
    s = summarize(df)
    assert s.n_entries == 64
    assert s.by_year["search"].sum() == n_search and s.by_year["visit"].sum() == n_visit
    assert df.attrs["set_aside"] == {"Ads": 25, "Assistant": 15, "YouTube": 10}
    assert df.attrs["skipped"] == {}
    report = LoadReport.from_frame(df)
    assert [f["source"] for f in report.files] == [
        "mixed_products/Takeout/My Activity/Search/MyActivity.json"
    ]
    reasons = {f["source"].split("/")[-2]: f["reason"] for f in report.ignored_files}
    assert reasons == {
        "Ads": "activity of other products (Ads 25)",
        "Assistant": "activity of other products (Assistant 15)",
        "YouTube": "activity of other products (YouTube 10)",
    }
    assert "50 entries of other Google products set aside: Ads 25, Assistant 15, YouTube 10" in (
        report.lines()
    )


def test_ads_and_assistant_files_look_like_search_by_url() -> None:
    # Why the product, not the URL, must decide: these products link through Google too.
    ads = [e[3] for e in product_entries(25, "Ads", 22)]
    assistant = [e[3] for e in product_entries(15, "Assistant", 23)]
    assert all(u.startswith("https://www.google.com/url?q=") for u in ads)
    assert all(u.startswith("https://www.google.com/search?q=") for u in assistant)


def test_entries_without_product_follow_their_file_and_folder(tmp_path: Path) -> None:
    def bare(day: int) -> dict:  # no URL, no product
        return {"title": "Searched for x", "time": f"2021-01-0{day}T00:00:00Z"}

    named = json_entry("Searched for y", search_url("y"), "2021-01-05T00:00:00Z")
    redirect = "https://www.google.com/url?q=https://z.example"
    ads = json_entry("Visited z", redirect, "2021-01-06T00:00:00Z", "Ads")
    folders = {
        "Takeout/My Activity/Search": [bare(1)],  # the folder is named Search
        "Takeout/a": [bare(2), named],  # its file names Search
        "Takeout/b": [bare(3), ads],  # its file names only Ads
        "Takeout/c": [bare(4)],  # nothing says Search
    }
    for folder, entries in folders.items():
        _write(tmp_path / folder / "MyActivity.json", json.dumps(entries))
    df = load_takeout(tmp_path)
    got = sorted(df["source_file"].str.split("/").str[-2] + ":" + df["title"])
    assert got == ["Search:Searched for x", "a:Searched for x", "a:Searched for y"]
    assert df.attrs["set_aside"] == {"unnamed product": 2, "Ads": 1}
    # A file named explicitly is taken whole, except entries naming another product.
    alone = load_takeout(tmp_path / "Takeout" / "b" / "MyActivity.json")
    assert alone["title"].tolist() == ["Searched for x"]
    assert alone.attrs["set_aside"] == {"Ads": 1}


def test_localized_search_product_names_are_search() -> None:
    df = load_takeout(MIXED.parent / "german", tz="Europe/Berlin")  # header/products "Suche"
    assert len(df) == 4 and df.attrs["set_aside"] == {"YouTube": 1}


def test_web_and_news_search_in_one_second_and_ms_apart_events_stay_distinct() -> None:
    df = load_takeout(MIXED / "Takeout" / "My Activity" / "Search" / "MyActivity.json")
    football = df[df["query"] == "football score"]
    assert football["url"].str.endswith("&tbm=nws").tolist() == [False, True]
    assert football["timestamp_utc"].dt.floor("s").nunique() == 1  # the same second
    train = df[df["query"] == "train tickets"]["timestamp_utc"]
    assert len(train) == 2 and (train.diff().dt.total_seconds().iloc[1] == 0.001)
    assert "duplicate" not in df.attrs["skipped"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicates_are_the_same_event_exported_twice(tmp_path: Path) -> None:
    a = json_entry("Searched for a", search_url("a"), "2021-05-01T10:00:00.123Z")
    b = json_entry("Searched for a", search_url("a"), "2021-05-01T10:00:00.124Z")  # 1 ms later
    c = json_entry("Searched for A", search_url("A"), "2021-05-01T10:00:00.123Z")  # other URL
    _write(tmp_path / "one" / "MyActivity.json", json.dumps([a, b, c]))
    _write(tmp_path / "two" / "MyActivity.json", json.dumps([a]))  # a second export of a
    title = "Searched for " + link(search_url("a"), "a")
    cell = html_entry(title + "<br>May 1, 2021, 10:00:00 AM UTC")  # a's HTML copy
    _write(tmp_path / "three" / "MyActivity.html", HTML_HEAD + cell + HTML_TAIL)
    df = load_takeout(tmp_path)
    assert len(df) == 3  # a, b (1 ms apart) and c (another URL) stay; two copies of a go
    assert df.attrs["skipped"] == {"duplicate": 2}
    assert df["format"].tolist() == ["json"] * 3


@pytest.mark.parametrize("engine_chunk", [7, 1 << 20])
def test_subtitle_link_is_not_the_entry_url(tmp_path: Path, engine_chunk: int) -> None:
    topic = search_url("solar eclipse")
    cells = [
        html_entry(f"1 notification<br>Including topics:<br>{link(topic, 'Solar eclipse')}"
                   "<br>Jul 4, 2021, 3:00:00 PM UTC"),
        html_entry("Visited " + link("https://example.org/a", "Example") + "<br>Including topics:"
                   f"<br>{link(topic, 'Solar eclipse')}<br>Jul 4, 2021, 3:05:00 PM UTC"),
    ]  # fmt: skip
    path = _write(tmp_path / "MyActivity.html", HTML_HEAD + "".join(cells) + HTML_TAIL)
    df = load_takeout(path)
    assert df["title"].tolist() == ["1 notification", "Visited Example"]
    assert df["url"].tolist() == [None, "https://example.org/a"]
    assert df["kind"].tolist() == ["other", "visit"]
    assert df["query"].isna().all()  # the topic link is no search of the user's
