"""Library messages in the dashboard's words: widgets instead of parameters.

The packages name their parameters for Python users ("The 'path' parameter of
load_takeout must ...", "The 'history' of simulate_target ..."). On a page the user never
typed ``path`` or ``history``: they used an upload box or a number box. Every message a
page shows goes through :func:`in_user_words` with the page's map from parameter name to
the widget that fed it ("the file uploaded as 'Takeout export' (bad.json)"); the rest of
the message, which says what was expected and what came, is kept word for word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["in_user_words", "upload_words", "widget_words"]

# "The 'x' parameter of func", "the 'x' of Class.method", "the 'x' parameter of f()"
_PARAMETER = re.compile(
    r"\b(?P<the>[Tt]he) '(?P<name>[A-Za-z_]\w*)'(?: parameter)? of "
    r"(?P<func>[A-Za-z_][\w.]*(?:\(\))?)"
)


def in_user_words(message: str, words: Mapping[str, str] | None) -> str:
    """``message`` with each "the '<param>' parameter of <function>" that ``words`` knows
    replaced by the widget's phrase (``words[param]``, a noun phrase without article).

    Parameters the map does not know are left as they are (better a Python name than a
    guessed widget).
    """
    if not words:
        return message

    def swap(m: re.Match[str]) -> str:
        phrase = words.get(m.group("name"))
        return m.group(0) if phrase is None else f"{m.group('the')} {phrase}"

    return _PARAMETER.sub(swap, message)


def upload_words(widget: str, file: str, what: str = "file") -> str:
    """The phrase for an upload box: "file uploaded as 'Takeout export' (bad.json)"."""
    return f"{what} uploaded as {widget!r} ({file})"


def widget_words(widget: str, kind: str = "box") -> str:
    """The phrase for an input widget: "box 'Paths per method'"."""
    return f"{kind} {widget!r}"
