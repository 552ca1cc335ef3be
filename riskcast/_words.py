"""Library messages in the command line's words.

The packages below speak to Python users: "The 'n_paths' parameter of simulate_target must
be an integer >= 1", "The 'history' of simulate_target must cover the whole year to date",
"The 'path' parameter of load_takeout ...". A user of ``riskcast`` typed ``--paths``, a
``--data`` file or a PATH, not those names. :func:`cli_words` rewrites a library message
into the flags and files of the command that was run, with the one table :data:`WORDS`
below (one place for every command; the CLI's own messages already use flags and pass
through unchanged). :func:`memory_words` says a :class:`montecarlo.MemoryBudgetError` in
the same words.

The rewritten forms:

* ``The 'p' parameter of f`` and ``The 'p' of f`` -> ``The <words of p>``
  (e.g. ``The --paths``, ``The --data file 'sales.csv'``, ``The PATH argument``);
* ``The 'value' column 'units'`` -> ``The --value column 'units'``;
* a hint ``p=v`` (``partial=True``, ``until_se=``, ``sampler='sobol'``, ``h=12``) ->
  the flag (``--partial``, ``--until-se``, ``--sampler sobol``, ``--horizon 12``).

A parameter the table does not know is left as the library wrote it.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from montecarlo import MemoryBudgetError, format_bytes

__all__ = ["WORDS", "cli_words", "error_words", "memory_words"]

#: Placeholders resolved from the parsed arguments.
DATA = "{data}"
PATH = "PATH argument"

_TARGET = {
    "history": DATA,
    "x@compare_fits": "fit table of the " + DATA + " (the months up to --as-of)",
    "as_of": "--as-of",
    "as-of": "--as-of",
    "target": "--target",
    "n_paths": "--paths",
    "paths": "--paths",
    "n_paths@calibration_backtest": "--backtest-paths",
    "n_paths@backtest_method": "--backtest-paths",
    "backtest_paths": "--backtest-paths",
    "until_se": "--until-se",
    "sampler": "--sampler",
    "methods": "--method",
    "level": "--level",
    "value": "--value",
    "date": "--date",
}

#: command -> parameter (or ``parameter@function``, which wins) -> what the user typed.
WORDS: dict[str, dict[str, str]] = {
    "target": _TARGET,
    "forecast": {
        "history": DATA,
        "y": DATA,
        "--data": DATA,
        "h": "--horizon",
        "horizon": "--horizon",
        "windows": "--backtest",
        "backtest": "--backtest",
        "quantiles": "--quantiles",
        "random_state": "--seed",
        "fill_gaps": "--fill-gaps",
        "value": "--value",
        "date": "--date",
    },
    "online": {
        "X": DATA,
        "y": DATA,
        "method": "--method",
        "l2": "--l2",
        "learning_rate": "--learning-rate",
        "forgetting": "--forgetting",
        "fit_intercept": "--no-intercept",
        "window": "--window",
        "batch_size": "--batch-size",
        "path@load": "--load file",
        "path@OnlineLinearRegression.load": "--load file",
        "path@save": "--save file",
        "path@OnlineLinearRegression.save": "--save file",
    },
    "search-history": {
        "path": PATH,
        "tz": "--tz",
        "top": "--top",
        "gap_days": "--gap-days",
        "min_word_count": "--min-word-count",
        "stop_words": "--stop-words",
        "collapse_seconds": "--collapse-seconds",
        "max_uncompressed_bytes": "--max-uncompressed-mb",
        "partial": "--partial",
    },
    "report": {
        "history": "history of the series",
        "n_paths": "[run] paths of {config!r}",
        "backtest_paths": "[run] backtest_paths of {config!r}",
        "n_paths@calibration_backtest": "[run] backtest_paths of {config!r}",
        "sampler": "[run] sampler of {config!r}",
        "methods": "[run] methods of {config!r}",
        "as_of": "[run] as_of of {config!r}",
    },
}

_FUNC = r"(?:riskcast(?: {command})?|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"
_PARAM = r"\b[Tt]he '(?P<p>[^'\s]+)' (?:parameter )?of (?P<f>{func})(?=[\s:.,;]|$)"
_COLUMN = re.compile(r"\b[Tt]he '(?P<p>value|date)' column\b")
_HINT = re.compile(r"(?<![\w'-])(?P<p>[a-z_]+)=(?P<v>True|'[^']*'|\d+(?:\.\d+)?|(?=[\s,.;)]|$))")


def _context(args: argparse.Namespace | None) -> dict[str, str]:
    data = getattr(args, "data", None)
    if data is not None:
        label = f"--data file {str(data)!r}"
    elif getattr(args, "command", None) == "online":
        label = "bundled sample (ex1data1)"
    else:
        label = "bundled sample (monthly units)"
    return {
        "data": label,
        "path": str(getattr(args, "path", "") or ""),
        "config": str(getattr(args, "config", "") or "the config"),
    }


def _lookup(table: dict[str, str], param: str, func: str | None) -> str | None:
    if func is not None:
        short = func.rsplit(".", 1)[-1]
        for key in (f"{param}@{func}", f"{param}@{short}"):
            if key in table:
                return table[key]
    return table.get(param)


def cli_words(message: str, command: str | None, args: argparse.Namespace | None = None) -> str:
    """``message`` with library parameter names replaced by the flags and files of
    ``riskcast <command>`` (see the module docstring); unchanged for unknown commands.

    Examples
    --------
    >>> ns = argparse.Namespace(command="target", data="sales.csv")
    >>> cli_words("The 'n_paths' parameter of simulate_target must be an integer >= 1. "
    ...           "Got 0 instead.", "target", ns)
    'The --paths must be an integer >= 1. Got 0 instead.'
    >>> cli_words("The 'history' of simulate_target must cover the whole year", "target", ns)
    "The --data file 'sales.csv' must cover the whole year"
    """
    table = WORDS.get(command or "")
    if not table:
        return message
    ctx = _context(args)

    def words(param: str, func: str | None) -> str | None:
        found = _lookup(table, param, func)
        return None if found is None else found.format(**ctx)

    def param(m: re.Match[str]) -> str:
        found = words(m["p"], m["f"])
        if found is None:
            return m[0]
        the = m[0][:3]  # keep "The"/"the"
        return f"{the} {found}"

    def column(m: re.Match[str]) -> str:
        found = words(m["p"], None)
        return m[0] if found is None else f"{m[0][:3]} {found} column"

    def hint(m: re.Match[str]) -> str:
        found = words(m["p"], None)
        if found is None or not found.startswith("--"):
            return m[0]
        value = m["v"]
        if value in ("", "True"):
            return found
        return f"{found} {value.strip(chr(39))}"

    func = _FUNC.format(command=re.escape(command or ""))
    out = re.sub(_PARAM.format(func=func), param, message)
    out = _COLUMN.sub(column, out)
    return _HINT.sub(hint, out)


def memory_words(exc: MemoryBudgetError, command: str | None, args: Any = None) -> str:
    """A :class:`montecarlo.MemoryBudgetError` said with the command's flags.

    Examples
    --------
    >>> err = MemoryBudgetError("...", needed=80 * 2**30, limit=2**31, n_paths=10**10,
    ...                         max_paths=232435456)
    >>> memory_words(err, "target", argparse.Namespace(command="target", data=None))[:61]
    '--paths 10000000000 would need about 80.0 GiB of memory, more'
    """
    table = WORDS.get(command or "", {})
    flag = (table.get(exc.parameter) or exc.parameter).format(**_context(args))
    typed = flag.startswith("--")
    what = f"{flag} {exc.n_paths}" if typed else f"{flag} = {exc.n_paths}"
    text = (
        f"{what} would need about {format_bytes(exc.needed)} of memory, more than the "
        f"{format_bytes(exc.limit)} a run may use. Use {exc.max_paths} paths or fewer"
    )
    if flag == "--paths":
        text += (
            ", or let --until-se SE (e.g. --until-se 0.001) draw only as many paths as that "
            "standard error needs, or use --sampler sobol, which reaches the same standard "
            "error with fewer paths"
        )
    return text + "."


def error_words(exc: BaseException, args: argparse.Namespace | None) -> str:
    """What ``riskcast`` prints after ``error:`` for a package error ``exc``."""
    command = getattr(args, "command", None)
    if isinstance(exc, MemoryBudgetError):
        return memory_words(exc, command, args)
    return cli_words(str(exc), command, args)
