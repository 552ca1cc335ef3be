"""`riskcast target --method vae`: a generative simulator answers the target question and
carries the verdict of its own calibration backtest, through the path every method takes
(the backtest recomputed here with forecast.backtest_method and the seed rule). The VAE
stands for both generative methods (the GAN runs the same code path; ~4x its training)."""

from __future__ import annotations

import re

from forecast import backtest_method
from montecarlo import load_monthly_units
from riskcast.cli import main


def test_generative_method_answers_and_says_its_backtest_verdict(tmp_path, capsys):
    units = load_monthly_units().loc["2008-01":]  # a short file: 4 backtest years
    path = tmp_path / "units.csv"
    units.rename("units").to_timestamp().to_csv(path, index_label="month")
    args = ["--data", str(path), "--as-of", "2015-09", "--target", "186", "--paths", "2000",
            "--method", "vae", "--backtest", "--backtest-paths", "500"]  # fmt: skip
    assert main(["target", *args]) == 0
    out = capsys.readouterr().out
    bt = backtest_method(units, "vae", as_of="2015-09", series="units", n_paths=500, seed=0)
    row = bt.summary.iloc[0]
    assert int(row["n_years"]) == 3  # 2012-2014; 2011 has < 3 past cutoffs to learn from
    verdict = "calibrated" if row["calibrated"] == "yes" else "not calibrated"
    hit = re.search(r"^\s*vae\s+P\(hit\) =\s+([\d.]+)% .*\(2000 paths, plain; (.+)\)$", out, re.M)
    assert hit, out
    assert hit.group(2) == verdict
    assert float(hit.group(1)) < 10  # the season known: 186 is far above the ~182 median
    table = re.search(r"^\s*vae\s+3 .* (yes|no)$", out, re.M)
    assert table and table.group(1) == row["calibrated"]
