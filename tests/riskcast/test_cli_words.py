"""The CLI names its flags and files, not the library's parameters (issue 14, item 7).

Library messages keep their parameter names for Python users ("The 'n_paths' parameter of
simulate_target ..."); ``riskcast`` says the same with what the user typed (``--paths``,
the ``--data`` file, the PATH argument), through the one table of :mod:`riskcast._words`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from riskcast._words import WORDS, cli_words
from riskcast.cli import build_parser, main

FIX = Path(__file__).parents[1] / "analytics" / "fixtures" / "takeout"
#: What a library message looks like; none may reach a CLI user.
LIBRARY = re.compile(r"'\w+' (parameter )?of \w|simulate_target|load_takeout|\.fit\b")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_flag_of_the_table_is_an_option_of_its_command() -> None:
    parsers = _subparsers()
    for command, table in WORDS.items():
        options = {s for a in parsers[command]._actions for s in a.option_strings}
        for words in table.values():
            for flag in re.findall(r"--[a-z][a-z0-9-]*", words):
                assert flag in options, (command, flag)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "riskcast.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _error(done: subprocess.CompletedProcess[str], command: str) -> str:
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    prefix = f"riskcast {command}: error: "
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith(prefix)]
    assert len(lines) == 1, done.stderr
    assert not LIBRARY.search(lines[0]), lines[0]
    return lines[0][len(prefix) :]


def _months(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "sales.csv"
    rows = [f"2014-{m:02d},{10 + m}" for m in range(1, 13)] + [
        f"2015-{m:02d},{20 + m}" for m in range(1, 13)
    ]
    path.write_text("month,units\n" + "\n".join(rows[-n:]) + "\n")
    return path


# ---------------------------------------------------------------- one subprocess per command
def test_target_names_the_data_file(tmp_path: Path) -> None:
    path = _months(tmp_path, 10)  # 2015-03 .. 2015-12: the year to date is incomplete
    done = _run("target", "--data", str(path), "--as-of", "2015-09", "--target", "200",
                "--method", "iid-normal", "--paths", "1000")  # fmt: skip
    assert _error(done, "target") == (
        "No method could answer the question on this history at 2015-09: iid-normal: The "
        f"--data file {str(path)!r} must cover the whole year to date: the months 2015-01 "
        "to 2015-09. It starts at 2015-03."
    )  # before: "... iid-normal: The 'history' of simulate_target must cover ..."


def test_forecast_names_the_horizon_and_the_bundled_sample() -> None:
    done = _run("forecast", "--model", "naive", "--backtest", "100")
    assert _error(done, "forecast") == (
        "The bundled sample (monthly units) is too short for 100 windows of --horizon 12 "
        "every 12 periods: it needs more than 1200 observations. Got 192 instead."
    )  # before: "The 'y' parameter of backtest is too short for 100 windows of h=12 ..."


def test_online_names_the_flag() -> None:
    done = _run("online", "--l2", "-1")
    assert _error(done, "online") == (
        "The --l2 must be in [0, inf]. Got -1.0 instead. (at stream sample 0)"
    )  # before: "The 'l2' parameter of OnlineLinearRegression.partial_fit must be ..."


def test_search_history_names_the_path_argument(tmp_path: Path) -> None:
    missing = tmp_path / "takeout.zip"
    done = _run("search-history", str(missing))
    assert _error(done, "search-history") == (
        "The PATH argument must name an existing Takeout .zip, folder, MyActivity.json or "
        f"MyActivity.html. Got {str(missing)!r}, which does not exist."
    )  # before: "The 'path' parameter of load_takeout must name ..."


def _report_config(tmp_path: Path, paths: int) -> Path:
    rows = [f"north,{y}-{m:02d}-01,{10 + m}" for y in (2013, 2014, 2015) for m in range(1, 13)]
    rows += [f"south,2015-{m:02d}-01,{5 + m}" for m in range(3, 13)]  # no Jan-Feb 2015
    (tmp_path / "sales.csv").write_text("series_id,date,value\n" + "\n".join(rows) + "\n")
    cfg = tmp_path / "risk.toml"
    cfg.write_text(
        '[data]\npath = "sales.csv"\n[run]\nas_of = "2015-09"\nmethods = ["iid-normal"]\n'
        f"paths = {paths}\nseed = 1\nbacktest = false\n"
        '[targets]\nnorth = 186.0\nsouth = 90.0\n[output]\ndir = "out"\n'
    )
    return cfg


def test_report_log_says_a_failed_series_without_library_names(tmp_path: Path) -> None:
    cfg = _report_config(tmp_path, 2000)
    done = _run("report", "--config", str(cfg))
    assert done.returncode == 3, done.stderr  # the run completed, one series failed
    failed = [ln for ln in done.stderr.splitlines() if "failed:" in ln]
    assert len(failed) == 1 and failed[0].endswith(
        "series='south' method='iid-normal' failed: 'The history of the series must cover "
        "the whole year to date: the months 2015-01 to 2015-09. It starts at 2015-03.'"
    ), done.stderr  # before: "failed: The 'history' of simulate_target must cover ..."
    # the published outputs say it the same way (they showed the library's words)
    said = "The history of the series must cover the whole year to date"
    kinds = (".html", ".csv", ".json")
    outputs = {p.suffix: p.read_text() for p in (tmp_path / "out").iterdir() if p.suffix in kinds}
    assert sorted(outputs) == sorted(kinds), sorted(outputs)
    for suffix, text in outputs.items():
        assert said in text and "simulate_target" not in text, suffix


def test_report_names_the_config_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _report_config(tmp_path, 10_000_000_000)
    assert main(["report", "--quiet", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"riskcast report: error: [run] paths of {str(cfg)!r} = 10000000000 would need about "
        "74.8 GiB of memory"
    ), err  # before: every series failed with "The 'n_paths' parameter of simulate_target"
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- more mistakes, in process
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["target", "--as-of", "2015-09", "--target", "186", "--paths", "0"],
         "The --paths must be an integer >= 1. Got 0 instead."),
        (["target", "--as-of", "2015-09", "--target", "186", "--backtest-paths", "0"],
         "The --backtest-paths must be an integer >= 1. Got 0 instead."),
        (["target", "--as-of", "2015-09", "--target", "186", "--paths", "1000",
          "--until-se", "-1", "--method", "naive"],
         "No method could answer the question on this history at 2015-09: naive: The "
         "--until-se must be > 0. Got -1.0 instead."),
        (["target", "--as-of", "2015-12", "--target", "186", "--paths", "1000", "--method",
          "naive"],
         "No method could answer the question on this history at 2015-12: naive: The --as-of "
         "is December (2015-12): the year is complete and nothing is left to simulate. Use a "
         "month from January to November."),
        (["forecast", "--horizon", "0"], "The --horizon must be an integer >= 1. Got 0 instead."),
        (["online", "--batch-size", "0"],
         "The --batch-size must be an integer >= 1. Got 0 instead."),
        (["online", "--load", "/no/such/model.npz"],
         "The --load file: '/no/such/model.npz' is not a file."),
        (["search-history", str(FIX / "takeout.zip"), "--top", "0"],
         "The --top must be an integer >= 1. Got 0 instead."),
    ],
)  # fmt: skip
def test_mistakes_are_said_with_the_flags(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"riskcast {args[0]}: error: {message}\n"


def test_a_method_that_cannot_run_is_said_with_the_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["target", "--as-of", "2015-09", "--target", "186", "--paths", "1024",
            "--sampler", "sobol", "--method", "iid-normal,naive"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert (
        "naive       could not run: The --sampler must be one of ['plain']: Naive draws its "
        "own paths. Got 'sobol' instead." in out
    )
    assert not LIBRARY.search(out)


def test_library_wording_stays_for_python_users_and_unknown_names_pass() -> None:
    ns = argparse.Namespace(command="target", data=None)
    msg = "The 'n_paths' parameter of simulate_target must be an integer >= 1. Got 0 instead."
    assert cli_words(msg, "target", ns) == "The --paths must be an integer >= 1. Got 0 instead."
    assert cli_words(msg, None, ns) == msg  # not a CLI command: unchanged
    other = "The 'guard' parameter of fit_johnson must be 'refuse'; pass guard='warn'."
    assert cli_words(other, "target", ns) == other  # no flag for it: left as written
    hint = "The export is cut short; pass partial=True to load it."
    ns = argparse.Namespace(command="search-history", path="x.zip")
    said = cli_words(hint, "search-history", ns)
    assert said == "The export is cut short; pass --partial to load it."
