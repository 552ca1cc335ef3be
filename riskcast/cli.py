"""The ``riskcast`` command line.

Each sub-command lives in its own module under :mod:`riskcast.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the
parsed namespace and returning the exit code).

Exit codes: 0 success, 1 a run failed, 2 bad input (usage, data or configuration).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from riskcast import __version__

#: Sub-command modules, in the order ``riskcast --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "target",
    "forecast",
    "online",
    "search-history",
    "report",
    "dashboard",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="riskcast",
        description="How likely are we to hit the target? Monte Carlo target risk, "
        "forecasting and calibration backtests.",
    )
    parser.add_argument("--version", action="version", version=f"riskcast {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"riskcast.commands.{name.replace('-', '_')}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args))
    except (ValueError, TypeError) as exc:
        # Package errors subclass ValueError/TypeError and carry a complete message, in
        # the library's words: said again with this command's flags and files
        from riskcast._words import error_words

        print(f"riskcast {args.command}: error: {error_words(exc, args)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        # work is bounded up front (--paths, --horizon); this is the last safety net
        print(
            f"riskcast {args.command}: error: ran out of memory. Ask for less work (fewer "
            f"--paths, a shorter --horizon, a smaller --data file).",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"riskcast {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `riskcast forecast | head`): stop quietly, as Unix
        # tools do; stdout is pointed at devnull so the interpreter's final flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
