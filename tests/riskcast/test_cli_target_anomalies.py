"""`riskcast target --flag-anomalies`: prints the unusual months forecast.question_anomalies
finds (the flags answer_question uses) and every method's answer with them excluded, the
numbers answer_question computes for the same history, seed and detector."""

from __future__ import annotations

import re

import pytest

from forecast import answer_question, question_anomalies
from montecarlo import load_monthly_units
from riskcast.cli import main


@pytest.fixture(scope="module")
def spiked():
    y = load_monthly_units().loc["2009-01":].rename("units").copy()
    y.loc["2013-03"] *= 1.8  # a spike and a dip no season explains
    y.loc["2011-07"] *= 0.4
    return y


@pytest.mark.parametrize("detector", ["stl", "autoencoder"])
def test_flag_anomalies_prints_the_flagged_months_and_both_answers(
    spiked, detector, tmp_path, capsys
):
    path = tmp_path / "units.csv"
    spiked.to_timestamp().to_csv(path, index_label="month")
    flag = ["--flag-anomalies"] if detector == "autoencoder" else ["--flag-anomalies", "stl"]
    args = ["target", "--data", str(path), "--as-of", "2015-09", "--target", "186",
            "--paths", "2000", "--method", "iid-normal,seasonal", *flag]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    flags = question_anomalies(spiked, "2015-09", detector, seed=0)
    assert {"2013-03", "2011-07"} <= {str(p) for p in flags.flagged}
    head = re.search(rf"Unusual months up to 2015-09: (\d+) of (\d+) by {detector} ", out)
    assert head and int(head.group(1)) == flags.n_flagged and int(head.group(2)) == 81
    printed = re.findall(r"^  (\d{4}-\d\d)  value ([\d.]+)  score ([\d.-]+)$", out, re.M)
    assert [m for m, _, _ in printed] == [str(p) for p in flags.flagged]
    for m, value, score in printed:
        assert float(score) == pytest.approx(flags.scores[m], abs=0.005)
        assert float(value) == pytest.approx(spiked[m], rel=1e-5)
    a = answer_question(spiked, as_of="2015-09", target=186, methods=["iid-normal", "seasonal"],
                        n_paths=2000, seed=0, anomalies=flags)  # fmt: skip
    for name, r in a.excluded.items():
        line = re.search(rf"^  {name}\s+P\(hit\) =\s+([\d.]+)% .*\(was ([\d.]+)%\)", out, re.M)
        assert line, out
        assert float(line.group(1)) == pytest.approx(100 * r.probability, abs=0.05)
        assert float(line.group(2)) == pytest.approx(100 * a.results[name].probability, abs=0.05)
    # the spike inflated the iid months' spread: excluding it changes their answer
    assert a.excluded["iid-normal"].probability != a.results["iid-normal"].probability


def test_flag_anomalies_refuses_an_unknown_detector(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["target", "--as-of", "2015-09", "--target", "186", "--flag-anomalies", "pca"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--flag-anomalies" in err and "'pca'" in err and "autoencoder" in err


def test_flag_anomalies_in_json_carries_the_same_months(spiked, tmp_path, capsys):
    import json

    path = tmp_path / "units.csv"
    spiked.to_timestamp().to_csv(path, index_label="month")
    args = ["target", "--data", str(path), "--as-of", "2015-09", "--target", "186",
            "--paths", "500", "--method", "iid-normal", "--flag-anomalies", "stl",
            "--json"]  # fmt: skip
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)["anomalies"]
    flags = question_anomalies(spiked, "2015-09", "stl", seed=0)
    assert doc["error"] is None and doc["method"] == "stl"
    assert doc["flagged"] == [str(p) for p in flags.flagged]
    assert [r["method"] for r in doc["excluded_results"]] == ["iid-normal"]


@pytest.mark.parametrize(("detector", "need"), [("stl", 25), ("autoencoder", 24)])
def test_flag_anomalies_says_why_the_detector_could_not_run(
    spiked, detector, need, tmp_path, capsys
):
    path = tmp_path / "short.csv"
    spiked.loc["2014-01":].to_timestamp().to_csv(path, index_label="month")  # 21 months to 2015-09
    args = ["target", "--data", str(path), "--as-of", "2015-09", "--target", "186",
            "--paths", "500", "--method", "iid-normal", "--flag-anomalies", detector]  # fmt: skip
    assert main(args) == 0  # the answer itself still stands
    out = capsys.readouterr().out
    line = re.search(r"^Unusual months not flagged: (.*)$", out, re.M)
    assert line, out
    # said in the command's words (the --data file), naming the minimum and what came
    assert f"--data file '{path}'" in line.group(1)
    assert f"at least {need}" in line.group(1) and "Got 21" in line.group(1)
    assert "P(hit) =" in out and "with them excluded" not in out
