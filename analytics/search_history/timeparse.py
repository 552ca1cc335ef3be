"""Dates and times of HTML "My Activity" exports, and their conversion to UTC.

HTML exports print the time in the account's zone, in the account's language, e.g.::

    Jan 31, 2018, 10:54:50 PM            (no zone at all)
    Sep 18, 2018, 5:48:23 AM UTC         (an exact zone)
    Aug 25, 2020, 5:06:44 PM PDT         (an abbreviation)
    6 Oct 2020, 14:32:28 PDT
    10.01.2025, 17:21:55 MEZ             (German: "Mitteleuropäische Zeit")

Which offset the printed wall time is in was decided from paired exports (a JSON and an HTML
export of the same events: the JSON holds the UTC instant, the HTML the printed wall time):
exports since about 2020 print *every* entry in the offset the account's zone had when the
export was made, and name that offset (an export made in January prints ``EST`` on July
entries too, with the wall time in EST). So the printed abbreviation is read as the offset it
names, and the wall time minus that offset is the instant.

An abbreviation alone is ambiguous (``CST`` is Central, China and Cuba Standard Time; ``MEZ``
is German), so it is resolved *through* ``tz``: it names the offset ``tz`` uses under that
name (``EST`` in America/New_York is UTC-5, ``MEZ`` counts as ``CET``), or, for names the
zone database does not print (``TRT``, which it calls ``+03``), an offset of
:data:`KNOWN_OFFSETS` that ``tz`` uses, in the years from the entry to today (the export was
made after the entry). An abbreviation that names no offset ``tz`` uses cannot be
reconciled: the wall time is then read in ``tz`` at the entry's date and flagged.
Times without a zone are read in ``tz``; ``UTC``, ``GMT`` and numeric offsets (``UTC+2``,
``GMT-03:30``) are exact and used as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from analytics.search_history.model import clean_text

__all__ = ["KNOWN_OFFSETS", "ParsedTime", "parse_activity_time", "printed_offset", "to_utc"]

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "jan january janv janvier januar jän jänner ene enero",
        "feb february févr fevr février fevrier februar febrero",
        "mar march mär märz maerz mrz mars marzo",
        "apr april avr avril abr abril",
        "may mai mayo",
        "jun june juni juin junio",
        "jul july juli juil juillet julio",
        "aug august août aout ago agosto",
        "sep sept september septembre septiembre set setiembre",
        "oct october okt oktober octobre octubre",
        "nov november novembre noviembre",
        "dec december dez dezember déc decembre décembre dic diciembre",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_TIME = (
    r"(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?: ?(?P<ampm>[ap]\.? ?m\.?))?"
    r"(?: (?P<tz>(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-zÀ-ÿ]{2,6}|Z))?"
)
_SEP = r",? (?:(?:à|um|a las|at|a la|a les|alle|om) )?"
_PATTERNS = [
    # Jan 31, 2018, 10:54:50 PM UTC
    re.compile(
        r"^(?P<mon>[^\W\d_]+)\.? (?P<d>\d{1,2}),? (?P<y>\d{4})" + _SEP + _TIME + "$",
        re.IGNORECASE,
    ),
    # 6 Oct 2020, 14:32:28 PDT  /  6 oct. 2020 à 14:32:28  /  6. Okt. 2020, 14:32:28
    re.compile(
        r"^(?P<d>\d{1,2})\.? (?:de )?(?P<mon>[^\W\d_]+)\.? (?:de )?(?P<y>\d{4})"
        + _SEP
        + _TIME
        + "$",
        re.IGNORECASE,
    ),
    # 10.01.2025, 17:21:55 MEZ  /  31/01/2018 22:54:50
    re.compile(
        r"^(?P<d>\d{1,2})[./](?P<mo>\d{1,2})[./](?P<y>\d{4})" + _SEP + _TIME + "$",
        re.IGNORECASE,
    ),
    # 2025-01-10, 17:21:55  /  2025-01-10T17:21:55Z
    re.compile(
        r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:T|,? )" + _TIME + "$",
        re.IGNORECASE,
    ),
]
_OFFSET = re.compile(r"^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)

#: Localized abbreviations and the names ``zoneinfo`` uses for the same offsets.
_ALIASES = {
    "MEZ": "CET",
    "MESZ": "CEST",
    "HNEC": "CET",
    "HAEC": "CEST",
    "WEZ": "WET",
    "WESZ": "WEST",
    "OEZ": "EET",
    "OESZ": "EEST",
}


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """A wall time read from an export, with its zone text and exact offset if any.

    ``offset`` is set only for exact zones (``UTC``, ``GMT``, ``UTC+2``); ``abbrev`` is the
    zone text as printed (``"PDT"``, ``"MEZ"``, ``"UTC+2"``) or ``None``.
    """

    wall: datetime
    abbrev: str | None
    offset: timedelta | None


def parse_activity_time(text: str) -> ParsedTime | None:
    """Read one date-and-time text piece; ``None`` if it does not look like one.

    Examples
    --------
    >>> parse_activity_time("Aug 25, 2020, 5:06:44\\u202fPM PDT")
    ParsedTime(wall=datetime.datetime(2020, 8, 25, 17, 6, 44), abbrev='PDT', offset=None)
    >>> parse_activity_time("10.01.2025, 17:21:55 MEZ").wall
    datetime.datetime(2025, 1, 10, 17, 21, 55)
    >>> parse_activity_time("Searched for 10:30 news") is None
    True
    """
    if not text or (":" not in text and "h" not in text):
        return None
    text = clean_text(text)
    if len(text) > 64 or not any(c.isdigit() for c in text[:4] + text[-12:]):
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m is not None:
            break
    else:
        return None
    g = m.groupdict()
    if g.get("mon") is not None:
        month = _MONTHS.get(g["mon"].lower().rstrip("."))
        if month is None:
            return None
    else:
        month = int(g["mo"])
    day, year = int(g["d"]), int(g["y"])
    hour, minute, second = int(g["h"]), int(g["mi"]), int(g["s"] or 0)
    ampm = g.get("ampm")
    if ampm is not None:
        if not 1 <= hour <= 12:
            return None
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    try:
        wall = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    abbrev = g.get("tz")
    offset = None
    if abbrev is not None:
        upper = abbrev.upper()
        if upper in ("UTC", "GMT", "Z", "UT"):
            offset = timedelta(0)
        else:
            om = _OFFSET.match(abbrev)
            if om is not None:
                sign = -1 if om.group(1) == "-" else 1
                offset = sign * timedelta(hours=int(om.group(2)), minutes=int(om.group(3) or 0))
                if abs(offset) > timedelta(hours=14):
                    return None
    return ParsedTime(wall, abbrev, offset)


def _hours(*values: float) -> tuple[timedelta, ...]:
    return tuple(timedelta(hours=v) for v in values)


#: Offsets of common abbreviations, used only for names ``tz`` does not print itself, and
#: only when ``tz`` uses one of the offsets (so ``IST`` is +05:30 in Asia/Kolkata, +01:00 in
#: Europe/Dublin, +02:00 in Asia/Jerusalem).
KNOWN_OFFSETS: dict[str, tuple[timedelta, ...]] = {
    "GMT": _hours(0), "WET": _hours(0), "WEST": _hours(1), "BST": _hours(1, 6),
    "CET": _hours(1), "CEST": _hours(2), "EET": _hours(2), "EEST": _hours(3),
    "TRT": _hours(3), "MSK": _hours(3), "IST": _hours(5.5, 1, 2), "IDT": _hours(3),
    "WAT": _hours(1), "CAT": _hours(2), "SAST": _hours(2), "EAT": _hours(3),
    "GST": _hours(4), "AZT": _hours(4), "GET": _hours(4), "AMT": _hours(4),
    "IRST": _hours(3.5), "IRDT": _hours(4.5), "AFT": _hours(4.5), "PKT": _hours(5),
    "UZT": _hours(5), "NPT": _hours(5.75), "BDT": _hours(6), "ICT": _hours(7),
    "WIB": _hours(7), "WITA": _hours(8), "WIT": _hours(9), "SGT": _hours(8),
    "MYT": _hours(8), "HKT": _hours(8), "PHT": _hours(8), "PHST": _hours(8),
    "CST": _hours(-6, 8, -5), "CDT": _hours(-5), "JST": _hours(9), "KST": _hours(9),
    "AWST": _hours(8), "ACST": _hours(9.5), "ACDT": _hours(10.5), "AEST": _hours(10),
    "AEDT": _hours(11), "NZST": _hours(12), "NZDT": _hours(13), "HST": _hours(-10),
    "AKST": _hours(-9), "AKDT": _hours(-8), "PST": _hours(-8, 8), "PDT": _hours(-7),
    "MST": _hours(-7), "MDT": _hours(-6), "EST": _hours(-5), "EDT": _hours(-4),
    "AST": _hours(-4, 3), "ADT": _hours(-3), "NST": _hours(-3.5), "NDT": _hours(-2.5),
    "BRT": _hours(-3), "BRST": _hours(-2), "ART": _hours(-3), "UYT": _hours(-3),
    "CLT": _hours(-4), "CLST": _hours(-3), "COT": _hours(-5), "PET": _hours(-5),
    "VET": _hours(-4),
}  # fmt: skip


@lru_cache(maxsize=4096)
def _zone_year(zone: ZoneInfo, year: int) -> dict[str, timedelta]:
    """Abbreviations ``zone`` prints in ``year`` and their offsets (sampled weekly)."""
    out: dict[str, timedelta] = {}
    start = datetime(year, 1, 1, 12, tzinfo=UTC)
    for week in range(53):
        local = (start + timedelta(weeks=week)).astimezone(zone)
        name, offset = local.tzname(), local.utcoffset()
        if name is not None and offset is not None:
            out.setdefault(name.upper(), offset)
    return out


@lru_cache(maxsize=4096)
def printed_offset(abbrev: str, zone: ZoneInfo, year: int) -> timedelta | None:
    """The UTC offset an abbreviation printed on an entry of ``year`` names, given ``zone``.

    The years from ``year`` to today are searched in order (the export that printed the
    abbreviation was made after the entry): first for the name as ``zone`` prints it
    (localized names such as ``MEZ`` are mapped to ``CET`` first), then for an offset of
    :data:`KNOWN_OFFSETS` that ``zone`` uses. ``None`` when the abbreviation cannot be
    reconciled with ``zone``.

    Examples
    --------
    >>> printed_offset("EST", ZoneInfo("America/New_York"), 2021)
    datetime.timedelta(days=-1, seconds=68400)
    >>> printed_offset("TRT", ZoneInfo("Europe/Istanbul"), 2021)
    datetime.timedelta(seconds=10800)
    >>> printed_offset("PDT", ZoneInfo("Europe/Paris"), 2021) is None
    True
    """
    upper = abbrev.upper()
    name = _ALIASES.get(upper, upper)
    years = range(year, max(year, datetime.now(UTC).year) + 1)
    for y in years:
        offset = _zone_year(zone, y).get(name)
        if offset is not None:
            return offset
    known = KNOWN_OFFSETS.get(name, ())
    for y in years:
        used = set(_zone_year(zone, y).values())
        for offset in known:
            if offset in used:
                return offset
    return None


def to_utc(parsed: ParsedTime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """Return the UTC instant of ``parsed`` and whether its zone text agrees with ``zone``.

    Exact zones (``offset`` set) are converted exactly. A printed abbreviation is read as
    the offset it names in ``zone`` (:func:`printed_offset`): the wall time minus that
    offset, whatever the offset of ``zone`` at the entry's date. Without an abbreviation,
    or with one that cannot be reconciled with ``zone``, the wall time is read in ``zone``
    at its date (the first reading of a wall time repeated by a daylight-saving change).
    The flag is ``False`` only for an abbreviation that cannot be reconciled: a sign that
    ``tz`` is not the zone the export was made in.

    Examples
    --------
    >>> ny = ZoneInfo("America/New_York")
    >>> to_utc(parse_activity_time("Jul 4, 2021, 3:00:00 PM EST"), ny)
    (datetime.datetime(2021, 7, 4, 20, 0, tzinfo=datetime.timezone.utc), True)
    >>> to_utc(parse_activity_time("Jul 4, 2021, 3:00:00 PM"), ny)
    (datetime.datetime(2021, 7, 4, 19, 0, tzinfo=datetime.timezone.utc), True)
    """
    if parsed.offset is not None:
        return (parsed.wall - parsed.offset).replace(tzinfo=UTC), True
    if parsed.abbrev is not None:
        offset = printed_offset(parsed.abbrev, zone, parsed.wall.year)
        if offset is not None:
            return (parsed.wall - offset).replace(tzinfo=UTC), True
    utc = parsed.wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return utc, parsed.abbrev is None
