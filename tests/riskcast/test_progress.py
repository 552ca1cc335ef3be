"""The commands' progress bar."""

from __future__ import annotations

import io

from riskcast._progress import progress_bar


def test_progress_bar_counts_on_stderr_or_is_absent(monkeypatch) -> None:
    assert progress_bar(10, False) is None
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    bar = progress_bar(3, True, unit="window", desc="backtest")
    for _ in range(3):
        bar.update(1)
    assert bar.n == 3 and bar.total == 3
    bar.close()
    assert "backtest" in err.getvalue() and "window" in err.getvalue()
