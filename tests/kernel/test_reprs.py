"""kernel.reprs: the escaped HTML of the notebook views."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kernel import format_cell, html_card, html_table

EVIL = "<script>alert('x')</script>"


def test_every_text_of_a_table_is_escaped() -> None:
    df = pd.DataFrame({EVIL: [EVIL, 'a"b'], "p": [0.2734, np.nan]},
                      index=pd.Index(["<i>", "&"], name=EVIL))  # fmt: skip
    page = html_table(df, {"p": "{:.1%}"}, index=True)
    assert "<script>" not in page and "<i>" not in page
    # the index name, the column name and a cell
    assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 3
    assert "<td>&lt;i&gt;</td>" in page and "<td>&amp;</td>" in page
    assert "<td>a&quot;b</td>" in page
    assert "<td>27.3%</td>" in page and "<td></td>" in page  # NaN is an empty cell


def test_long_tables_are_cut_and_counted() -> None:
    page = html_table(pd.DataFrame({"x": range(50)}), max_rows=10)
    assert page.count("<tr>") == 11  # header + 10 rows
    assert "… 40 more rows" in page


def test_card_escapes_title_facts_and_notes_but_keeps_its_tables() -> None:
    table = html_table(pd.DataFrame({"m": [1]}))
    page = html_card(EVIL, [(EVIL, "1 < 2")], tables=[table], notes=[EVIL])
    assert "<script>" not in page
    assert page.count("&lt;script&gt;") == 3
    assert "1 &lt; 2" in page and table in page


def test_format_cell() -> None:
    assert format_cell(np.float64(0.5), "{:.0%}") == "50%"
    assert format_cell(np.int64(1234), "{:,}") == "1,234"
    assert format_cell(True, "{:.1f}") == "True"  # a flag is not a number here
    assert format_cell(None) == "" and format_cell(float("nan"), "{:.1f}") == ""
    assert format_cell("x", "{:.1f}") == "x"
