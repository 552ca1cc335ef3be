"""Helpers the dashboard's AppTest tests share: find a widget by its label, and fail with
the page's own exception messages."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest


def by_label(widgets: Any, label: str) -> Any:
    """The first widget among ``widgets`` whose label is ``label`` (fails listing them)."""
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget {label!r} among {[w.label for w in widgets]}"
    return found[0]


def no_exception(at: AppTest) -> None:
    """Fail with the page's exception messages when the last run raised."""
    assert not at.exception, [e.message for e in at.exception]
