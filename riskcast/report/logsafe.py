"""Log values that cannot forge a log line.

Series ids, method names, messages and paths come from users' files. A value holding a
newline (or a carriage return, an escape sequence, any control character) would start
what looks like a separate log line. Every value the report logs goes through
:func:`quoted`, which writes text like Python's ``repr``: in quotes, with every control
or non-printable character escaped.
"""

from __future__ import annotations

from typing import Any

__all__ = ["quoted"]


def quoted(value: Any) -> str:
    r"""The log form of ``value``: ``repr`` of its text (quoted, control characters escaped).

    Examples
    --------
    >>> print(quoted("north"))
    'north'
    >>> print(quoted("evil\n2026-01-01 INFO series='forged'"))
    "evil\n2026-01-01 INFO series='forged'"
    >>> print(quoted("bell\x07 tab\t"))
    'bell\x07 tab\t'
    """
    return repr(str(value))
