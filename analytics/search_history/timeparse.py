"""Dates and times of HTML "My Activity" exports, and their conversion to UTC.

HTML exports print the time in the account's zone, in the account's language, e.g.::

    Jan 31, 2018, 10:54:50 PM            (no zone at all)
    Sep 18, 2018, 5:48:23 AM UTC         (an exact zone)
    Aug 25, 2020, 5:06:44 PM PDT         (an abbreviation)
    6 Oct 2020, 14:32:28 PDT
    10.01.2025, 17:21:55 MEZ             (German: "Mitteleuropäische Zeit")

A zone abbreviation is ambiguous (``CST`` is Central, China and Cuba Standard Time; ``MEZ``
is German), so it is *recorded*, never guessed: the wall time is read in the zone the user
names, and the abbreviation only decides which of the two readings of a wall time repeated
by a daylight-saving change is meant. ``UTC``, ``GMT`` and numeric offsets (``UTC+2``,
``GMT-03:30``) are exact and used as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from analytics.search_history.model import clean_text

__all__ = ["ParsedTime", "parse_activity_time", "to_utc"]

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


def _same_abbrev(printed: str, zone_name: str | None) -> bool:
    if zone_name is None:
        return False
    printed = printed.upper()
    return _ALIASES.get(printed, printed) == zone_name.upper()


def to_utc(parsed: ParsedTime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """Return the UTC instant of ``parsed`` and whether its abbreviation agrees with ``zone``.

    Exact zones (``offset`` set) are converted exactly. Otherwise the wall time is read in
    ``zone``; when a daylight-saving change repeats it, the reading whose abbreviation
    matches the printed one wins (else the first). The flag is ``True`` when there is no
    abbreviation, an exact one, or one ``zone`` uses at that instant (``MEZ`` counts as
    ``CET``); ``False`` flags a likely wrong ``tz``.

    Examples
    --------
    >>> la = ZoneInfo("America/Los_Angeles")
    >>> to_utc(parse_activity_time("Aug 25, 2020, 5:06:44 PM PDT"), la)
    (datetime.datetime(2020, 8, 26, 0, 6, 44, tzinfo=datetime.timezone.utc), True)
    """
    if parsed.offset is not None:
        utc = (parsed.wall - parsed.offset).replace(tzinfo=UTC)
        return utc, True
    first = parsed.wall.replace(tzinfo=zone, fold=0)
    chosen = first
    if parsed.abbrev is not None and not _same_abbrev(parsed.abbrev, first.tzname()):
        second = parsed.wall.replace(tzinfo=zone, fold=1)
        if _same_abbrev(parsed.abbrev, second.tzname()):
            chosen = second
    agrees = parsed.abbrev is None or _same_abbrev(parsed.abbrev, chosen.tzname())
    return chosen.astimezone(UTC), agrees
