"""The example notebooks run from top to bottom (nbclient), so they cannot rot.

They are committed without outputs (small, reviewable diffs; no megabytes of embedded
plotly.js): a test checks that too.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))


def test_there_is_an_example_notebook() -> None:
    assert [p.name for p in NOTEBOOKS] == ["classic_question.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def _text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data", {})
    return str(data.get("text/html", "")) + str(data.get("text/plain", ""))


def test_classic_question_notebook_runs(tmp_path: Path) -> None:
    path = ROOT / "examples" / "classic_question.ipynb"
    nb = nbformat.read(path, as_version=4)
    # a cell that raises ends execute() with CellExecutionError naming the cell
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(o.get("output_type") != "error" for c in code for o in c.outputs)
    assert all(c.execution_count is not None for c in code)
    texts = ["".join(_text(o) for o in c.outputs) for c in code]
    assert "141.7054" in texts[0]  # the year to date of the classic question
    assert "P(year total ≥ 186), seed 0" in texts[1]  # the Answer's _repr_html_
    assert "headline: seasonal, P(hit) = 0.0%" in texts[2]
    figures = [o for c in code for o in c.outputs if "application/vnd.plotly.v1+json" in
               o.get("data", {})]  # fmt: skip
    assert len(figures) == 5  # bars, fan chart, PIT chart, forecast chart, forecast backtest
    assert "Calibration backtest: 4 method(s), years 2003-2014" in texts[5]
    assert "Forecast: Theta" in texts[8]
    assert "Forecast backtest: Theta" in texts[10]  # forecast.backtest's BacktestFrame
    assert "3, cut at 2012-12, 2013-12, 2014-12" in texts[10] and "MASE" in texts[10]
