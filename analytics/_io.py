"""Safe model files: one ``.npz`` holding float arrays plus a JSON header, written atomically.

No pickle anywhere: the JSON header is stored as a ``uint8`` array named ``__meta__`` and
files are read with ``numpy.load(allow_pickle=False)``, so loading a file can never run
code. A corrupt, truncated or foreign file raises :class:`AnalyticsValueError` saying
what was expected.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from analytics.errors import AnalyticsValueError
from kernel import save_npz_atomic

__all__ = ["read_model_file", "write_model_file"]

_META = "__meta__"
#: Refuse headers larger than this (a real header is a few hundred bytes).
_MAX_META_BYTES = 1_000_000


def write_model_file(
    path: str | os.PathLike[str], *, kind: str, meta: dict[str, Any], arrays: dict[str, Any]
) -> Path:
    """Write ``arrays`` and a JSON ``meta`` header to ``path`` atomically.

    The file is written to a temporary file in the same folder and moved into place with
    :func:`os.replace` (:func:`kernel.save_npz_atomic`), so a crash never leaves a
    half-written model behind. The exact
    ``path`` is used (no ``.npz`` suffix is added).

    Parameters
    ----------
    path : str or PathLike
        Destination file.
    kind : str
        Format tag checked by :func:`read_model_file`, e.g. ``"OnlineLinearRegression"``.
    meta : dict
        JSON-serialisable header (hyperparameters, scalar state).
    arrays : dict of str to array-like
        Numeric arrays; stored as float64.
    """
    target = Path(path)
    if _META in arrays:
        raise AnalyticsValueError(f"The array name {_META!r} is reserved.")
    header = json.dumps({"format": "riskcast.analytics", "kind": kind, "version": 1, **meta})
    payload = {name: np.asarray(a, dtype=np.float64) for name, a in arrays.items()}
    payload[_META] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise AnalyticsValueError(
            f"The 'path' parameter of save must be in an existing folder. "
            f"{str(folder)!r} does not exist."
        )
    return save_npz_atomic(target, payload)


def read_model_file(
    path: str | os.PathLike[str], *, kind: str
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a file written by :func:`write_model_file`; return ``(meta, arrays)``.

    Raises
    ------
    AnalyticsValueError
        If the file is missing, is not an ``.npz`` archive, holds objects that would need
        pickle, lacks the header, or was saved for another ``kind``.
    """
    p = Path(path)
    if not p.is_file():
        raise AnalyticsValueError(f"The 'path' parameter of load: {str(p)!r} is not a file.")
    what = f"{str(p)!r} is not a saved {kind} file"
    try:
        with np.load(p, allow_pickle=False) as npz:
            if _META not in npz.files:
                raise AnalyticsValueError(f"{what}: it has no riskcast header.")
            raw = npz[_META]
            if raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > _MAX_META_BYTES:
                raise AnalyticsValueError(f"{what}: its header is malformed.")
            arrays = {n: npz[n] for n in npz.files if n != _META}
    except AnalyticsValueError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        # ValueError covers "Object arrays cannot be loaded when allow_pickle=False" and
        # the "Cannot load file containing pickled data" refusal of numpy.
        raise AnalyticsValueError(f"{what} ({type(exc).__name__}: {exc}).") from None
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalyticsValueError(f"{what}: its header is not valid JSON ({exc}).") from None
    if not isinstance(meta, dict) or meta.get("format") != "riskcast.analytics":
        raise AnalyticsValueError(f"{what}: unknown header format.")
    if meta.get("kind") != kind:
        raise AnalyticsValueError(f"{what}: it holds a {meta.get('kind')!r} instead.")
    if meta.get("version") != 1:
        raise AnalyticsValueError(f"{what}: unsupported version {meta.get('version')!r}.")
    for name, a in arrays.items():
        if a.dtype != np.float64 or not np.isfinite(a).all():
            raise AnalyticsValueError(f"{what}: array {name!r} is not finite float64 data.")
    return meta, arrays
