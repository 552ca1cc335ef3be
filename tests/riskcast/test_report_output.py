"""What the batch report writes around the numbers: log lines that cannot be forged by a
series id, a title that does not repeat itself, the run-history chart on a time axis.
About 15 s on 2 busy cores (one CLI subprocess, three small runs)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plots import probability_history
from riskcast.errors import ConfigError
from riskcast.report import load_config, run_report
from tests.riskcast._report_helpers import spawn, write_config, write_portfolio

FORGED = "2026-01-01 00:00:00,000 INFO series='north' method='iid-normal' p_hit=0.9999"
EVIL = f"evil\n{FORGED}\r\x1b[2Kcarriage"
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING) ")


def test_a_newline_in_a_series_id_cannot_forge_a_log_line(tmp_path: Path, history_url: str) -> None:
    series = {EVIL: (1.0, 186.0), "north": (0.5, 100.0)}
    write_portfolio(tmp_path, series)
    assert set(pd.read_csv(tmp_path / "sales.csv")["series_id"]) == set(series)
    cfg = write_config(tmp_path, series=series, history_url=history_url, paths=1000,
                       extra_run="backtest_paths = 200")  # fmt: skip
    proc = spawn(cfg, quiet=False)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    lines = err.splitlines()
    assert not [line for line in lines if line.startswith(FORGED[:23])]
    records = [line for line in lines if "series=" in line]
    # 2 series x (2 methods + 1 headline line), each one whole line with its own stamp
    assert len(records) == 6 and all(STAMP.match(line) for line in records), records
    quoted = repr(EVIL)
    assert "\\n2026-01-01" in quoted and "\\r\\x1b[2K" in quoted
    assert sum(f"series={quoted} " in line for line in records) == 3
    assert "series='north' method='iid-normal'" in err


class _Heads(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self._tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("title", "h1") and tag not in self.text:
            self._tag = tag
            self.text[tag] = ""

    def handle_endtag(self, tag: str) -> None:
        self._tag = None

    def handle_data(self, data: str) -> None:
        if self._tag is not None:
            self.text[self._tag] += data


def _heads(path: Path) -> dict[str, str]:
    parser = _Heads()
    parser.feed(path.read_text())
    return parser.text


def test_title_does_not_repeat_itself_and_can_be_set(tmp_path: Path, history_url: str) -> None:
    one = {"north": (1.0, 186.0)}
    write_portfolio(tmp_path, one)
    cfg = load_config(write_config(tmp_path, series=one, history_url=history_url, paths=500,
                                   extra_run="backtest = false"))  # fmt: skip
    assert cfg.name == "risk-report"
    run_report(cfg)
    heads = _heads(cfg.output_dir / "risk-report.html")
    assert heads == {"title": "Risk report", "h1": "Risk report"}
    words = re.findall(r"[a-z]+", heads["title"].lower())
    assert len(words) == len(set(words))  # no word twice ("Risk report: risk-report")

    cfg = load_config(
        write_config(tmp_path, series=one, history_url=history_url, paths=500,
                     extra_run="backtest = false",
                     output='dir = "out"\nname = "q3"\ntitle = "Q3 <sales> risk"')
    )  # fmt: skip
    run_report(cfg)
    text = (cfg.output_dir / "q3.html").read_text()
    assert "<title>Q3 &lt;sales&gt; risk</title>" in text
    title = "Q3 <sales> risk"
    assert _heads(cfg.output_dir / "q3.html") == {"title": title, "h1": title}

    write_config(tmp_path, series=one, output='dir = "out"\ntitle = "two\\nlines"')
    with pytest.raises(ConfigError, match=r"'title' in \[output\] at risk.toml, line \d+"):
        load_config(tmp_path / "risk.toml")


def test_run_history_chart_has_a_date_time_axis(tmp_path: Path, history_url: str) -> None:
    runs = pd.DataFrame(
        {
            "started_at": ["2026-11-02T06:00:00+00:00", "2026-12-01T06:00:05+00:00",
                           "2026-12-01T07:30:00"],
            "method": ["seasonal"] * 3,
            "probability": [0.2, 0.25, 0.3],
        }
    )  # fmt: skip
    fig = probability_history(runs)
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.xaxis.title.text == "run time (UTC)"
    x = np.asarray(fig.data[0].x)
    assert x.dtype.kind == "M"  # datetimes, not seconds or text
    assert list(x) == list(
        pd.to_datetime(["2026-11-02 06:00:00", "2026-12-01 06:00:05", "2026-12-01 07:30:00"])
    )
    assert any("%H:%M" in stop.value for stop in fig.layout.xaxis.tickformatstops)

    one = {"north": (1.0, 186.0)}
    write_portfolio(tmp_path, one)
    cfg = load_config(write_config(tmp_path, series=one, history_url=history_url, paths=500,
                                   extra_run="backtest = false"))  # fmt: skip
    first = run_report(cfg)
    run_report(cfg)
    html = (cfg.output_dir / "risk-report.html").read_text()
    (chart,) = [f for f in _figures(html) if f["layout"]["title"]["text"] == "P(hit) run by run"]
    assert chart["layout"]["xaxis"]["type"] == "date"
    assert chart["layout"]["xaxis"]["title"]["text"] == "run time (UTC)"
    when = pd.to_datetime(chart["data"][0]["x"])  # ISO date-times in the figure's data
    assert len(when) == 2 and when[0].strftime("%Y%m%dT%H%M%S") == first.run_id[:15]


def _figures(html: str) -> list[dict]:
    """The data and layout of every plotly figure embedded in a report."""
    out, decoder, at = [], json.JSONDecoder(), 0
    while (at := html.find("Plotly.newPlot(", at)) >= 0:
        at = html.index(",", at) + 1
        data, at = decoder.raw_decode(html, html.index("[", at))
        layout, at = decoder.raw_decode(html, html.index("{", at))
        out.append({"data": data, "layout": layout})
    return out
