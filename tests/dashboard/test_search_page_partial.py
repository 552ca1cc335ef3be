"""The Search history page: a truncated export is refused unless the box is ticked, then
loaded with a warning; entries of other products are shown as set aside (issue 14.8, 15.3).

Expected numbers come from the fixtures' own definitions (the truncated file cuts the 4th
of 4 entries, whose "{" is line 38, column 3; mixed_products holds 64 Search entries and
25 Ads, 15 Assistant, 10 YouTube entries, tools/make_takeout_fixtures.py).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "dashboard" / "views" / "3_search_history.py"
FIX = ROOT / "tests" / "analytics" / "fixtures" / "takeout"


def _upload(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.run()
    at.file_uploader(key="search-file").set_value((name, content, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_truncated_upload_is_refused_then_loaded_with_a_warning_when_ticked() -> None:
    at = _upload("MyActivity.json", (FIX / "truncated" / "MyActivity.json").read_bytes())
    assert len(at.error) == 1 and not at.metric
    msg = at.error[0].value
    assert "Could not read 'MyActivity.json'" in msg
    assert "'MyActivity.json' is cut short (truncated) at line 38, column 3" in msg
    assert "tick 'Load a truncated export'" in msg and "partial=True" not in msg
    at.sidebar.checkbox(key="partial").check()
    at.run()
    assert not at.exception and not at.error
    (warning,) = [w.value for w in at.warning]
    assert "3 entries were read before line 38, column 3" in warning
    assert "the file ends inside entry 4" in warning
    assert {m.label: m.value for m in at.metric}["Entries"] == "3"


def test_other_products_are_counted_as_set_aside() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted((FIX / "mixed_products").rglob("*.json")):
            zf.write(f, f.relative_to(FIX / "mixed_products").as_posix())
    at = _upload("takeout.zip", buf.getvalue())
    assert {m.label: m.value for m in at.metric}["Entries"] == "64"
    captions = [c.value for c in at.caption]
    assert (
        "Set aside (other Google products, not search history): Ads 25, Assistant 15, YouTube 10"
        in captions
    )
    assert not at.warning
