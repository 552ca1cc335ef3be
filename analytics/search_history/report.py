"""What :func:`~analytics.search_history.load_takeout` read, kept and skipped, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analytics.errors import AnalyticsValueError

__all__ = ["LoadReport"]


@dataclass
class LoadReport:
    """Account of one load.

    Attributes
    ----------
    tz : str
        The IANA zone the local times are in (and HTML wall times were read in).
    files : list of dict
        One ``{"source", "format", "entries"}`` per Search activity file read.
    ignored_files : list of dict
        One ``{"source", "reason"}`` per candidate file that was not used.
    n_read : int
        Entries parsed from the Search activity files (before de-duplication).
    n_loaded : int
        Rows of the returned frame.
    skipped : collections.Counter
        Entries (or file tails) left out, by reason: ``"duplicate"``, ``"truncated JSON"``,
        ``"unreadable time"``, ``"repeated query within 30 s"``, ...
    tz_abbreviations : collections.Counter
        Zone texts printed in HTML entries (``"PDT"``, ``"MEZ"``, ``"UTC"``), by count.
    n_tz_mismatch : int
        HTML entries whose printed abbreviation names no offset ``tz`` uses (see
        :mod:`~analytics.search_history.timeparse`): a sign that ``tz`` is not the zone the
        export was made in.
    set_aside : collections.Counter
        Entries of other Google products (Ads, Assistant, YouTube, ...) left out, by the
        product they name.
    partial : list of dict
        One ``{"source", "reason", "entries", "line", "column", "detail"}`` per file that
        stops before its end (truncated or malformed) and was loaded anyway
        (``partial=True``): ``entries`` were read before ``line``, ``column``.
    """

    tz: str
    files: list[dict[str, Any]] = field(default_factory=list)
    ignored_files: list[dict[str, Any]] = field(default_factory=list)
    n_read: int = 0
    n_loaded: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    tz_abbreviations: Counter[str] = field(default_factory=Counter)
    n_tz_mismatch: int = 0
    set_aside: Counter[str] = field(default_factory=Counter)
    partial: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_skipped(self) -> int:
        """Total number of entries left out, all reasons together."""
        return sum(self.skipped.values())

    @property
    def warnings(self) -> list[str]:
        """What a front end must show as a warning: incomplete files, a doubtful ``tz``."""
        out = [
            f"{p['source']} is incomplete ({p['reason']}): {p['entries']} entries were read "
            f"before line {p['line']}, column {p['column']}, where reading stopped "
            f"({p['detail']}); the rest of the file is not loaded"
            for p in self.partial
        ]
        if self.n_tz_mismatch:
            out.append(
                f"{self.n_tz_mismatch} HTML times carry a zone abbreviation that names no "
                f"offset {self.tz} uses; they were read in {self.tz}: pass the zone the export "
                "was made in as tz"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the form stored in ``df.attrs["report"]``)."""
        return {
            "tz": self.tz,
            "files": [dict(f) for f in self.files],
            "ignored_files": [dict(f) for f in self.ignored_files],
            "n_read": self.n_read,
            "n_loaded": self.n_loaded,
            "n_skipped": self.n_skipped,
            "skipped": dict(self.skipped.most_common()),
            "tz_abbreviations": dict(self.tz_abbreviations.most_common()),
            "n_tz_mismatch": self.n_tz_mismatch,
            "set_aside": dict(self.set_aside.most_common()),
            "partial": [dict(p) for p in self.partial],
            "warnings": self.warnings,
        }

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> LoadReport:
        """Rebuild the report a :func:`load_takeout` frame carries in ``df.attrs``."""
        d = getattr(df, "attrs", {}).get("report")
        if not isinstance(d, dict):
            raise AnalyticsValueError(
                "The 'df' parameter of LoadReport.from_frame must be a DataFrame returned by "
                "load_takeout (it carries df.attrs['report']). Got one without a report."
            )
        return cls(
            tz=d["tz"],
            files=list(d["files"]),
            ignored_files=list(d["ignored_files"]),
            n_read=d["n_read"],
            n_loaded=d["n_loaded"],
            skipped=Counter(d["skipped"]),
            tz_abbreviations=Counter(d["tz_abbreviations"]),
            n_tz_mismatch=d["n_tz_mismatch"],
            set_aside=Counter(d.get("set_aside", {})),
            partial=list(d.get("partial", [])),
        )

    def lines(self) -> list[str]:
        """Human-readable summary, one line per fact."""
        out = [
            f"{self.n_loaded} entries loaded from {len(self.files)} file(s), time zone {self.tz}"
        ]
        for f in self.files:
            out.append(f"  read {f['entries']} entries ({f['format']}) from {f['source']}")
        for f in self.ignored_files:
            out.append(f"  ignored {f['source']}: {f['reason']}")
        if self.skipped:
            out.append(f"{self.n_skipped} skipped:")
            out += [f"  {n} {reason}" for reason, n in self.skipped.most_common()]
        if self.set_aside:
            n = sum(self.set_aside.values())
            per = ", ".join(f"{k} {v}" for k, v in self.set_aside.most_common())
            out.append(f"{n} entries of other Google products set aside: {per}")
        if self.tz_abbreviations:
            seen = ", ".join(f"{k} ({n})" for k, n in self.tz_abbreviations.most_common())
            out.append(f"zone abbreviations in HTML times: {seen}")
        out += [f"warning: {w}" for w in self.warnings]
        return out
