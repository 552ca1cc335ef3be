"""The pretrained anomaly autoencoders: trained across many series, shipped as ``.npz`` + JSON.

:func:`pretrain_autoencoders` trains one denoising autoencoder per window length on the
windows of many histories (each window normalised by itself, as
:class:`forecast.AutoencoderDetector` does; pass the histories seasonally adjusted, as the
detector's are, :func:`forecast.anomaly_stl.seasonal_adjust`).
``tools/train_anomaly_ae.py`` makes the shipped file ``forecast/data/anomaly_ae_m3.{npz,json}``
from the *training parts* (``x``) of the M3 monthly series at even positions only (the
calibration half of ``benchmarks/anomaly_m3.py``; the odd half it reports on is never
seen). Loading checks the format and version, the sha256 of the ``.npz``, the set of arrays
and their shapes, and refuses anything else with :class:`forecast.PretrainedFileError`
naming the file; arrays are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

import nn
from forecast.anomaly_net import corrupt_windows, network, sliding_windows
from forecast.errors import PretrainedFileError
from kernel import save_npz_atomic, write_text_atomic

__all__ = ["load_autoencoders", "pretrain_autoencoders", "save_autoencoders"]

FORMAT = "riskcast-anomaly-ae"
FORMAT_VERSION = 1
_DATA = Path(__file__).resolve().parent / "data"
BUNDLED = {"m3": _DATA / "anomaly_ae_m3.json"}
_CACHE: dict[str, dict[int, nn.Sequential]] = {}
_LOCK = threading.Lock()


def pretrain_autoencoders(
    histories: Iterable[np.ndarray],
    *,
    windows: tuple[int, ...] = (12, 24, 36),
    hidden: int = 32,
    code_size: int = 2,
    noise: float = 0.2,
    spike_rate: float = 0.05,
    shift_rate: float = 0.3,
    epochs: int = 15,
    batch_size: int = 512,
    learning_rate: float = 0.003,
    rng: np.random.Generator | int | None = 0,
) -> dict[int, nn.Sequential]:
    """One autoencoder per window length, trained on every window of every history.

    Mini-batch Adam on the Huber loss, a fresh corruption (noise, spikes, shifted blocks)
    per batch; histories shorter than ``window + 1`` give no windows of that length.
    """
    gen = np.random.default_rng(rng)
    series = [np.asarray(h, dtype=float) for h in histories]
    nets: dict[int, nn.Sequential] = {}
    for w in windows:
        X = np.concatenate([sliding_windows(h, w)[0] for h in series if h.size > w])
        net = network(w, hidden, code_size, gen)
        loss, opt = nn.HuberLoss(delta=1.0), nn.Adam(lr=learning_rate)
        for _ in range(epochs):
            order = gen.permutation(len(X))
            for k in range(0, len(X), batch_size):
                xb = X[order[k : k + batch_size]]
                out = net.forward(corrupt_windows(xb, noise, spike_rate, shift_rate, gen), True)
                loss.forward(out, xb)
                net.backward(loss.backward())
                pairs = net.parameters()
                nn.clip_grad_norm([g for _, g in pairs], 5.0)
                opt.step([p for p, _ in pairs], [g for _, g in pairs])
        nets[w] = net
    return nets


def _arrays(nets: dict[int, nn.Sequential]) -> dict[str, np.ndarray]:
    out = {}
    for w, net in nets.items():
        for i, (p, _) in enumerate(net.parameters()):
            out[f"w{w}_{i}"] = np.asarray(p, dtype=np.float32)
    return out


def save_autoencoders(
    nets: dict[int, nn.Sequential], path: str | Path, *, hidden: int, code_size: int,
    meta: dict[str, Any] | None = None,
) -> Path:  # fmt: skip
    """Write ``path`` (``.json``) and its ``.npz`` atomically; returns the JSON path."""
    path = Path(path).with_suffix(".json")
    npz = path.with_suffix(".npz")
    arrays = _arrays(nets)
    save_npz_atomic(npz, arrays)
    doc = {
        "format": FORMAT, "version": FORMAT_VERSION, "windows": sorted(nets),
        "hidden": hidden, "code_size": code_size,
        "shapes": {k: list(v.shape) for k, v in arrays.items()},
        "sha256": hashlib.sha256(npz.read_bytes()).hexdigest(), "meta": meta or {},
    }  # fmt: skip
    write_text_atomic(path, json.dumps(doc, indent=1) + "\n")
    return path


def _refuse(path: Path, what: str) -> PretrainedFileError:
    return PretrainedFileError(f"The pretrained anomaly file '{path}' {what}")


def load_autoencoders(source: str | Path = "m3") -> dict[int, nn.Sequential]:
    """The networks of a pretrained file (``"m3"``: the shipped one), by window length.

    Raises
    ------
    PretrainedFileError
        A missing, foreign, other-version, corrupted or mis-shaped file.
    """
    key = str(source)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    path = BUNDLED.get(key, Path(key)).with_suffix(".json")
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise _refuse(path, f"cannot be read as JSON: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _refuse(path, f"is not a {FORMAT} file.")
    if doc.get("version") != FORMAT_VERSION:
        raise _refuse(path, f"has format version {doc.get('version')!r}; this riskcast "
                            f"reads version {FORMAT_VERSION}.")  # fmt: skip
    npz = path.with_suffix(".npz")
    try:
        raw = npz.read_bytes()
    except OSError as exc:
        raise _refuse(path, f"has no readable weights file '{npz}': {exc}.") from None
    if hashlib.sha256(raw).hexdigest() != doc.get("sha256"):
        raise _refuse(path, f"does not match its weights: the sha256 of '{npz}' differs.")
    try:
        windows = [int(w) for w in doc["windows"]]
        hidden, code = int(doc["hidden"]), int(doc["code_size"])
        with np.load(npz, allow_pickle=False) as z:
            arrays = {k: np.asarray(z[k], dtype=np.float64) for k in z.files}
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise _refuse(path, f"is corrupted: {exc}.") from None
    nets = {}
    for w in windows:
        net = network(w, hidden, code, np.random.default_rng(0))
        for i, (p, _) in enumerate(net.parameters()):
            a = arrays.get(f"w{w}_{i}")
            if a is None or a.shape != p.shape or not np.all(np.isfinite(a)):
                got = "missing" if a is None else f"shape {a.shape}"
                raise _refuse(path, f"has a bad array w{w}_{i}: expected shape {p.shape}, "
                                    f"got {got} (or non-finite values).")  # fmt: skip
            p[...] = a
        nets[w] = net
    with _LOCK:
        _CACHE[key] = nets
    return nets
