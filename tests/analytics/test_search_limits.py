"""Untrusted exports stay bounded (issue 14.12): zip bombs, deep JSON, hostile HTML.

Each case must end in the package's own error, naming the file, within bounded time and
memory; the peak of Python allocations is measured with :mod:`tracemalloc` (it sees every
bytes and str object the readers build, which is where an unbounded reader would grow).
The zip bomb holds 3 GiB of zeros in a 3 MB file, written without compressing 3 GiB
(tools/make_takeout_fixtures.py ``write_zeros_zip``).
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.errors import AnalyticsValueError
from analytics.search_history import DEFAULT_MAX_UNCOMPRESSED_BYTES, load_takeout
from analytics.search_history.html_reader import UnreadableHTML, iter_html_entries
from tools.make_takeout_fixtures import HTML_HEAD, HTML_TAIL, html_entry, link, search_url

MIB = 1 << 20
ENTRY = b'[{"header": "Search", "title": "Searched for x", "time": "2021-01-01T00:00:00Z", '


def _refused(func: Callable[[], object], *, max_mib: float, max_s: float) -> tuple[str, float]:
    """Run ``func``, expect an AnalyticsValueError; return its message and the peak in MiB."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(AnalyticsValueError) as err:
            func()
        peak = tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - t0
    assert peak < max_mib, f"peak {peak:.1f} MiB"
    assert elapsed < max_s, f"{elapsed:.1f} s"
    return str(err.value), peak


@pytest.fixture(scope="module")
def bomb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tools.make_takeout_fixtures import write_zeros_zip

    root = tmp_path_factory.mktemp("bombs")
    member = "Takeout/My Activity/Search/MyActivity"
    size = write_zeros_zip(root / "json.zip", member + ".json", ENTRY + b'"details": "', 3072)
    assert size > 3 * (1 << 30) and (root / "json.zip").stat().st_size < 4 * MIB
    html_prefix = (HTML_HEAD + '<div class="outer-cell"><div class="content-cell">').encode()
    write_zeros_zip(root / "html.zip", member + ".html", html_prefix, 64)  # stops at 4 Mi
    return root


def test_zip_bomb_is_refused_before_reading_by_its_declared_size(bomb_dir: Path) -> None:
    msg, _ = _refused(lambda: load_takeout(bomb_dir / "json.zip"), max_mib=8, max_s=10)
    assert f"caps what is read from an archive at {DEFAULT_MAX_UNCOMPRESSED_BYTES:,} bytes" in msg
    assert "'json.zip!Takeout/My Activity/Search/MyActivity.json'" in msg and "zip bomb" in msg


def test_zip_bomb_json_with_the_cap_raised_stops_at_the_first_bad_character(
    bomb_dir: Path,
) -> None:
    msg, _ = _refused(
        lambda: load_takeout(bomb_dir / "json.zip", max_uncompressed_bytes=4 << 30),
        max_mib=48,
        max_s=20,
    )
    assert "'json.zip!Takeout/My Activity/Search/MyActivity.json' is malformed at line 1" in msg
    assert "invalid control character" in msg


def test_zip_bomb_html_with_the_cap_raised_stops_at_the_entry_limit(bomb_dir: Path) -> None:
    msg, _ = _refused(
        lambda: load_takeout(bomb_dir / "html.zip", max_uncompressed_bytes=4 << 30),
        max_mib=96,
        max_s=30,
    )
    assert "'html.zip!Takeout/My Activity/Search/MyActivity.html'" in msg
    assert "runs on for more than 4,194,304 characters" in msg


@pytest.mark.parametrize("opener", ["[", '{"a": '])
def test_json_nested_100000_levels_is_refused_as_malformed(tmp_path: Path, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    deep = ENTRY.decode() + '"details": ' + opener * 100_000 + "1" + closer * 100_000 + "}]"
    path = tmp_path / "MyActivity.json"
    path.write_text(deep)
    msg, _ = _refused(lambda: load_takeout(path), max_mib=32, max_s=10)
    assert "'MyActivity.json' is malformed at line 1, column 2" in msg
    assert "entry 1 is nested deeper than the JSON decoder allows" in msg
    with pytest.warns(UserWarning, match="0 entries were read before line 1, column 2"):
        assert load_takeout(path, partial=True).empty


def test_array_of_arrays_100000_deep_is_not_an_activity_file(tmp_path: Path) -> None:
    path = tmp_path / "MyActivity.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    msg, _ = _refused(lambda: load_takeout(path), max_mib=16, max_s=10)
    assert "has no activity entries" in msg


def _laughs(levels: int = 10) -> str:
    """The 'billion laughs' DOCTYPE: each entity holds ten of the one below."""
    defs = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    return f"<!DOCTYPE html [{''.join(defs)}]>"


@pytest.mark.parametrize("engine", ["fast", "stdlib"])
@pytest.mark.parametrize("where", ["doctype", "bare"])
def test_html_declaring_entities_is_refused(tmp_path: Path, engine: str, where: str) -> None:
    cell = html_entry(
        f"Searched for {link(search_url('x'), '&lol9;')}<br>Jan 1, 2021, 1:00:00 AM UTC"
    )
    head = _laughs() + HTML_HEAD if where == "doctype" else HTML_HEAD + '<!ENTITY lol9 "lol">'
    text = (head + cell * 50 + HTML_TAIL).encode()
    if engine == "fast":
        path = tmp_path / "MyActivity.html"
        path.write_bytes(text)
        msg, _ = _refused(lambda: load_takeout(path), max_mib=16, max_s=10)
        assert "'MyActivity.html': it declares entities" in msg
    else:
        with pytest.raises(UnreadableHTML, match="declares entities"):
            list(iter_html_entries(io.BytesIO(text), Counter(), engine="stdlib"))


def test_html_character_reference_of_5000_digits_reads_as_replacement(tmp_path: Path) -> None:
    # Python refuses to convert decimal strings over 4300 digits: html.unescape would raise.
    huge = "&#" + "9" * 5000 + ";"
    cell = html_entry(
        f"Searched for {link(search_url('x'), 'x' + huge)}<br>Jan 1, 2021, 1:00:00 AM UTC"
    )
    path = tmp_path / "MyActivity.html"
    path.write_text(HTML_HEAD + cell + HTML_TAIL)
    df = load_takeout(path)
    assert df["title"].tolist() == ["Searched for x\ufffd"]
    stdlib = iter_html_entries(io.BytesIO(path.read_bytes()), Counter(), engine="stdlib")
    assert [e.title for e in stdlib] == ["Searched for x\ufffd"]


@pytest.mark.parametrize("opening", ["<!-- ", "<script>", "<div class='outer-cell'>"])
def test_endless_comment_script_or_entry_stops_at_the_limit(tmp_path: Path, opening: str) -> None:
    path = tmp_path / "MyActivity.html"
    path.write_text(HTML_HEAD + opening + "a&amp;" * (1 << 20))  # 6 MiB, never closed
    msg, _ = _refused(lambda: load_takeout(path), max_mib=80, max_s=20)
    assert "'MyActivity.html'" in msg and "4,194,304 characters" in msg


def test_entity_runs_shrink_and_stay_within_limits(tmp_path: Path) -> None:
    # 100,000 "&amp;" in one title unescape to 100,000 characters: no expansion.
    cell = html_entry(
        f"Searched for {link(search_url('x'), '&amp;' * 100_000)}<br>Jan 1, 2021, 1:00:00 AM UTC"
    )
    path = tmp_path / "MyActivity.html"
    path.write_text(HTML_HEAD + cell + HTML_TAIL)
    df = load_takeout(path)
    assert df["title"].str.len().tolist() == [len("Searched for ") + 100_000]


def test_json_entries_of_a_whole_file_stay_streamed(tmp_path: Path) -> None:
    # 5,000 entries (~1 MB): the peak stays within a small multiple of json.loads of the file.
    rows = [
        {"header": "Search", "title": f"Searched for q{i}",
         "titleUrl": search_url(f"q{i}"), "time": f"2021-01-01T00:00:{i % 60:02d}.{i:06d}Z"}
        for i in range(5_000)
    ]  # fmt: skip
    path = tmp_path / "MyActivity.json"
    path.write_text(json.dumps(rows, indent=2))
    tracemalloc.start()
    try:
        df = load_takeout(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        json.loads(path.read_text())
        reference = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(df) == 5_000
    assert peak < 3 * reference, (peak / MIB, reference / MIB)
