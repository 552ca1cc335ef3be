"""Write synthetic Google Takeout "My Activity" search exports (never real people's data).

Usage::

    python tools/make_takeout_fixtures.py            # rewrite tests/analytics/fixtures/takeout

The fixed fixtures spell out every variant ``analytics.search_history`` must read; the
tests state the expected values of each entry by hand. ``write_json_export`` and
``write_html_export`` also make large random exports for the scale test and the benchmark.
"""

from __future__ import annotations

import html
import json
import shutil
import struct
import sys
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "analytics" / "fixtures" / "takeout"

HTML_HEAD = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    "<title>My Activity</title><style>.outer-cell{padding:8px}</style></head><body>"
    '<div class="mdl-grid">\n'
)
HTML_TAIL = "</div></body></html>\n"

WORDS = (
    "weather paris train tickets python pandas recipe chocolate cake news football score "
    "cinema berlin wetter morgen rezept kuchen fahrplan météo demain recette gâteau horaires "
    "tiempo mañana receta pastel the der la el and und et y how wie comment cómo"
).split()
SITES = ("example.org", "example.com", "beispiel.de", "exemple.fr", "ejemplo.es", "example.net")


def json_entry(title: str, url: str | None, time: str, header: str = "Search") -> dict:
    """One entry as Takeout writes it in MyActivity.json."""
    e: dict = {"header": header, "title": title}
    if url is not None:
        e["titleUrl"] = url
    e["time"] = time
    e["products"] = [header]
    e["activityControls"] = ["Web & App Activity"]
    return e


def html_entry(content: str, header: str = "Search") -> str:
    """One ``outer-cell`` as Takeout writes it in MyActivity.html (``content`` is raw HTML)."""
    return (
        '<div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid">'
        f'<div class="header-cell mdl-cell mdl-cell--12-col"><p class="mdl-typography--title">'
        f"{header}<br></p></div>"
        '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">'
        f"{content}</div>"
        '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1 '
        'mdl-typography--text-right"></div>'
        '<div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption">'
        f"<b>Products:</b><br>&emsp;{header}<br></div></div></div>\n"
    )


def search_url(query: str, tld: str = "com") -> str:
    return f"https://www.google.{tld}/search?q={quote_plus(query)}"


def redirect_url(target: str, tld: str = "com") -> str:
    return f"https://www.google.{tld}/url?q={quote(target, safe=':/')}&usg=AOvVaw0synthetic"


def link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'


# --- the hand-written variants ---------------------------------------------------------

JSON_VARIANTS = [
    json_entry("Searched for weather paris", search_url("weather paris"), "2020-10-06T12:32:28Z"),
    json_entry(
        "Searched for café au lait", search_url("café au lait", "fr"), "2020-10-06T12:35:01.12Z"
    ),
    json_entry(
        "Visited https://example.org/page?id=7",
        redirect_url("https://example.org/page?id=7"),
        "2020-10-06T12:35:03.123Z",
    ),
    json_entry(
        "Searched for python pandas", search_url("python pandas"), "2021-03-14T09:26:53.589793Z"
    ),
    json_entry("Searched for something private", None, "2021-03-14T09:30:00.000Z"),
    json_entry("Visited Example Domain", "https://example.com/", "2021-03-14T09:31:00.5Z"),
    json_entry(
        "Viewed 1 image",
        "https://www.google.com/imgres?imgurl=https://img.example.net/a.jpg"
        "&imgrefurl=https://photos.example.net/album",
        "2021-03-15T18:00:00.000Z",
    ),
    json_entry(
        "Vous avez recherché pain au chocolat",
        search_url("pain au chocolat", "fr"),
        "2021-03-16T07:15:00.250Z",
    ),
    json_entry(
        "Searched for c++ tutorial", search_url("c++ tutorial", "co.uk"), "2022-01-01T00:00:00Z"
    ),
    json_entry("Searched for broken time", search_url("broken time"), "yesterday"),
    {"header": "Search", "title": "Searched for no time", "titleUrl": search_url("no time")},
]

HTML_VARIANTS = [
    # (raw content, header); expected values are spelled out in tests/analytics/test_search_load.py
    (
        "Searched for&nbsp;"
        + link(search_url("weather paris"), "weather paris")
        + "<br>Jan 31, 2018, 10:54:50 PM",
        "Search",
    ),
    (
        "Searched for "
        + link(search_url("café"), "café")
        + "<br>Sep 18, 2018, 5:48:23&#8239;AM UTC",
        "Search",
    ),
    (
        "Visited "
        + link(redirect_url("https://example.org/"), "https://example.org/")
        + "<br>Aug 25, 2020, 5:06:44 PM PDT",
        "Search",
    ),
    (
        "Gesucht nach: " + link(search_url("käse", "de"), "käse") + "<br>10.01.2025, 17:21:55 MEZ",
        "Suche",
    ),
    (
        link(redirect_url("https://beispiel.de/seite", "de"), "https://beispiel.de/seite")
        + " aufgerufen<br>6 Oct 2020, 14:32:28 PDT",
        "Suche",
    ),
    (
        "Vous avez recherché\u2003"
        + link(search_url("météo", "fr"), "météo")
        + "<br>6 oct. 2020 à 14:32:28 UTC+2",
        "Recherche",
    ),
    ("Searched for " + link(search_url("no date here"), "no date here") + "<br>", "Search"),
    (
        "Searched for "
        + link(search_url("tom & jerry"), "tom & jerry")
        + "<br>31 Oct 2021, 02:30:00 CEST",
        "Search",
    ),
    (
        "Searched for "
        + link(search_url("tom & jerry"), "tom & jerry")
        + "<br>31 Oct 2021, 02:30:00 MEZ",
        "Search",
    ),
]

GERMAN = [
    json_entry(
        "Gesucht nach: wetter morgen",
        search_url("wetter morgen", "de"),
        "2023-05-01T06:00:00.000Z",
        "Suche",
    ),
    json_entry(
        "https://beispiel.de/ aufgerufen",
        redirect_url("https://beispiel.de/", "de"),
        "2023-05-01T06:00:10.000Z",
        "Suche",
    ),
    json_entry(
        "Gesucht nach: rezept kuchen",
        search_url("rezept kuchen", "de"),
        "2023-05-03T19:45:00.000Z",
        "Suche",
    ),
    json_entry(
        "Gesucht nach: rezept kuchen",
        search_url("rezept kuchen", "de"),
        "2023-05-03T19:45:20.000Z",
        "Suche",
    ),
]
YOUTUBE = [
    json_entry(
        "Watched a synthetic video",
        "https://www.youtube.com/watch?v=synthetic0",
        "2023-05-02T20:00:00.000Z",
        "YouTube",
    ),
]
NOT_TAKEOUT_HTML = (
    "<!DOCTYPE html><html><head><title>Takeout archive browser</title></head><body>"
    "<h1>Your archive</h1><div class='card'><p>Searched for nothing, Jan 31, 2018, 10:54:50 PM</p>"
    "</div></body></html>\n"
)


# --- random exports ----------------------------------------------------------------------


def random_entries(
    n: int, seed: int = 0, mean_gap_s: float = 1200.0
) -> list[tuple[datetime, str, str, str | None]]:
    """``n`` random entries ``(utc time, kind, title, url)``, times increasing, ~70% searches."""
    rng = np.random.default_rng(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    steps = rng.exponential(mean_gap_s, size=n).cumsum()
    kinds = rng.choice(["search", "visit", "other"], size=n, p=[0.7, 0.25, 0.05])
    out = []
    for i in range(n):
        t = start + timedelta(seconds=float(steps[i]))
        if kinds[i] == "search":
            q = " ".join(rng.choice(WORDS, size=int(rng.integers(1, 4))))
            out.append((t, "search", f"Searched for {q}", search_url(q)))
        elif kinds[i] == "visit":
            target = f"https://{SITES[int(rng.integers(len(SITES)))]}/p/{i}"
            out.append((t, "visit", f"Visited {target}", redirect_url(target)))
        else:
            out.append((t, "other", "Used Search", None))
    return out


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def write_json_export(path: Path, entries: list, header: str = "Search") -> None:
    """Write ``entries`` (from :func:`random_entries`) as a MyActivity.json, newest first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[")
        for i, (t, _, title, url) in enumerate(reversed(entries)):
            e = json_entry(title, url, _iso(t), header)
            fh.write(("," if i else "") + json.dumps(e, indent=2))
        fh.write("]")


def write_html_export(
    path: Path,
    entries: list,
    tz: str = "Europe/Paris",
    *,
    export_time: datetime | None = None,
    abbrev: str | None = None,
    header: str = "Search",
) -> None:
    """Write ``entries`` as a MyActivity.html printing times in ``tz``.

    ``export_time=None`` prints each entry in the offset ``tz`` has at its own date, with
    that offset's abbreviation. With ``export_time``, every entry is printed in the offset
    ``tz`` has at ``export_time`` and named by that offset's abbreviation, as real exports
    since about 2020 do (an export made in January prints ``EST`` on July entries).
    ``abbrev`` replaces the printed name (e.g. ``"TRT"`` for Europe/Istanbul's ``+03``).
    """
    zone = ZoneInfo(tz)
    fixed = None if export_time is None else export_time.astimezone(zone)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HTML_HEAD)
        for t, _, title, url in reversed(entries):
            if fixed is None:
                local, name = t.astimezone(zone), t.astimezone(zone).tzname()
            else:  # the export-time offset, not the entry's own
                local, name = t + fixed.utcoffset(), fixed.tzname()  # type: ignore[operator]
            name = abbrev or name
            stamp = local.strftime("%b %-d, %Y, %-I:%M:%S\u202f%p ") + str(name)
            verb, _, rest = title.partition(" ")
            body = html.escape(verb + " ") + (link(url, rest) if url else html.escape(rest))
            fh.write(html_entry(f"{body}<br>{stamp}", header))
        fh.write(HTML_TAIL)


def product_entries(
    n: int, product: str, seed: int, mean_gap_s: float = 86400.0
) -> list[tuple[datetime, str, str, str | None]]:
    """``n`` entries of another Google product that look like search activity by URL.

    ``"Ads"``: ad clicks through ``google.com/url`` redirects; ``"Assistant"``: voice
    commands with ``google.com/search`` URLs; ``"YouTube"``: watched videos.
    """
    rng = np.random.default_rng(seed)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    steps = rng.exponential(mean_gap_s, size=n).cumsum()
    out = []
    for i in range(n):
        t = start + timedelta(seconds=float(steps[i]))
        q = " ".join(rng.choice(WORDS, size=2))
        if product == "Ads":
            target = f"https://shop.{SITES[i % len(SITES)]}/offer/{i}"
            out.append((t, "visit", f"Visited {target}", redirect_url(target)))
        elif product == "Assistant":
            out.append((t, "search", f"Said {q}", search_url(q)))
        else:
            out.append((t, "other", f"Watched {q}", f"https://www.youtube.com/watch?v=v{i}"))
    return out


#: The paired exports of one year of events in New York: one JSON (UTC) and two HTML copies,
#: exported in winter (EST printed on every entry) and in summer (EDT on every entry).
PAIRED_NY = ("America/New_York", datetime(2022, 1, 15, 12, tzinfo=UTC),
             datetime(2022, 7, 15, 12, tzinfo=UTC))  # fmt: skip


def paired_entries(seed: int, start: datetime, n: int, step_days: float) -> list:
    """Searches ``step_days`` apart (plus a random part of a day) from ``start``."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        t = start + timedelta(days=i * step_days, seconds=float(rng.uniform(0, 86400)))
        t = t.replace(microsecond=int(rng.integers(1000)) * 1000)
        q = " ".join(rng.choice(WORDS, size=2))
        out.append((t, "search", f"Searched for {q}", search_url(q)))
    return out


def write_mixed_products(root: Path) -> None:
    """A Takeout folder mixing Search, Ads, Assistant and YouTube activity (all JSON)."""
    base = root / "Takeout" / "My Activity"
    search = random_entries(60, seed=21, mean_gap_s=6 * 3600.0)
    t = datetime(2021, 6, 1, 9, 30, 15, 250000, tzinfo=UTC)
    search += [  # a web and a News-tab search in one second; two searches 1 ms apart
        (t, "search", "Searched for football score", search_url("football score")),
        (t.replace(microsecond=600000), "search", "Searched for football score",
         search_url("football score") + "&tbm=nws"),
        (t + timedelta(hours=1), "search", "Searched for train tickets",
         search_url("train tickets")),
        (t + timedelta(hours=1, milliseconds=1), "search", "Searched for train tickets",
         search_url("train tickets")),
    ]  # fmt: skip
    search.sort(key=lambda e: e[0])
    write_json_export(base / "Search" / "MyActivity.json", search)
    for product, n, seed in (("Ads", 25, 22), ("Assistant", 15, 23), ("YouTube", 10, 24)):
        entries = product_entries(n, product, seed)
        write_json_export(base / product / "MyActivity.json", entries, header=product)


def write_zeros_zip(path: Path, member: str, prefix: bytes, n_mib: int) -> int:
    """Write a zip whose one member is ``prefix`` followed by ``n_mib`` MiB of zero bytes.

    A zip bomb made cheaply: one MiB of zeros deflates to about 1 kB, and after a full flush
    the compressor is back in the same state, so that block is repeated instead of
    compressing gigabytes (``n_mib=3072`` writes a 3 MB file holding 3 GiB). The sizes and
    CRC in the headers are the true ones (no ZIP64: the member stays under 4 GiB). Returns
    the member's uncompressed size.
    """
    zeros = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)  # the state repeats
    tail = c.flush(zlib.Z_FINISH)
    size = len(prefix) + n_mib * len(zeros)
    if size >= 1 << 32:
        raise ValueError(f"the member must stay under 4 GiB (no ZIP64); got {size} bytes")
    crc = zlib.crc32(prefix)
    for _ in range(n_mib):
        crc = zlib.crc32(zeros, crc)
    csize = len(head) + n_mib * len(block) + len(tail)
    name = member.encode()
    when = (0, (2020 - 1980) << 9 | 1 << 5 | 1)  # DOS time, date 2020-01-01
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, *when, crc, csize, size,
                        len(name), 0)  # fmt: skip
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, *when, crc, csize,
                          size, len(name), 0, 0, 0, 0, 0, 0)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(local + name + head)
        for _ in range(n_mib):
            fh.write(block)
        fh.write(tail)
        cd_offset = fh.tell()
        fh.write(central + name)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name),
                             cd_offset, 0))  # fmt: skip
    return size


def main(out: Path = FIXTURES) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "json_variants").mkdir(parents=True)
    with open(out / "json_variants" / "MyActivity.json", "w", encoding="utf-8") as fh:
        json.dump(JSON_VARIANTS, fh, indent=2, ensure_ascii=False)
    (out / "html_variants").mkdir()
    with open(out / "html_variants" / "MyActivity.html", "w", encoding="utf-8") as fh:
        fh.write(HTML_HEAD + "".join(html_entry(c, h) for c, h in HTML_VARIANTS) + HTML_TAIL)
    german = out / "german" / "Takeout" / "Meine Aktivitäten"
    (german / "Suche").mkdir(parents=True)
    (german / "YouTube").mkdir()
    (german / "Suche" / "MeineAktivitäten.json").write_text(
        json.dumps(GERMAN, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (german / "YouTube" / "MeineAktivitäten.json").write_text(json.dumps(YOUTUBE), encoding="utf-8")
    (out / "empty").mkdir()
    (out / "empty" / "MyActivity.json").write_text("[]\n", encoding="utf-8")
    full = json.dumps(JSON_VARIANTS[:4], indent=2)
    (out / "truncated").mkdir()
    (out / "truncated" / "MyActivity.json").write_text(full[: full.rindex('"time"')])
    (out / "not_takeout.html").write_text(NOT_TAKEOUT_HTML, encoding="utf-8")
    # The same 20 entries as JSON and as HTML (printed in Europe/Paris), zipped with an
    # archive browser page and another product's activity.
    same = random_entries(20, seed=5, mean_gap_s=20 * 86400.0)
    same_dir = out / "same_export" / "Takeout" / "My Activity" / "Search"
    write_json_export(same_dir / "MyActivity.json", same)
    write_html_export(same_dir / "MyActivity.html", same, "Europe/Paris")
    with zipfile.ZipFile(out / "takeout.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        members = [(f"Takeout/My Activity/Search/{f.name}", f.read_bytes()) for f in
                   sorted(same_dir.iterdir())]  # fmt: skip
        members += [
            ("Takeout/archive_browser.html", NOT_TAKEOUT_HTML.encode()),
            ("Takeout/My Activity/YouTube/MyActivity.json", json.dumps(YOUTUBE).encode()),
        ]
        for name, data in members:  # fixed dates: the same bytes on every run
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    # One year of New York searches as JSON and as two HTML exports (winter and summer);
    # six years of Istanbul searches as JSON and as an HTML export printing "TRT".
    tz, winter, summer = PAIRED_NY
    ny = paired_entries(31, datetime(2021, 1, 3, tzinfo=UTC), 24, 15.2)
    write_json_export(out / "paired_tz" / "new_york" / "MyActivity.json", ny)
    write_html_export(out / "paired_tz" / "new_york_winter" / "MyActivity.html", ny, tz,
                      export_time=winter)  # fmt: skip
    write_html_export(out / "paired_tz" / "new_york_summer" / "MyActivity.html", ny, tz,
                      export_time=summer)  # fmt: skip
    ist = paired_entries(32, datetime(2014, 3, 1, tzinfo=UTC), 12, 180.0)
    write_json_export(out / "paired_tz" / "istanbul" / "MyActivity.json", ist)
    write_html_export(out / "paired_tz" / "istanbul_trt" / "MyActivity.html", ist,
                      "Europe/Istanbul", export_time=datetime(2023, 3, 1, tzinfo=UTC),
                      abbrev="TRT")  # fmt: skip
    write_mixed_products(out / "mixed_products")
    print(f"wrote fixtures under {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES)
