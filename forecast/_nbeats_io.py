"""Pretrained N-BEATS files: a ``.npz`` of weights beside a ``.json`` that describes them.

The JSON holds the format name and version, the riskcast version that wrote it, the
architecture of every frequency group (window and output sizes, ensemble size, and per
network its input size, stacks, width, blocks, layers and lookbacks), the shape of every
array, the training settings and the sha256 of the ``.npz``. Format 4 (written now) adds
to every network whether it standardises its windows (``standardize``, see
:class:`forecast._nbeats_net.NBeatsNet`; absent in older files: it does not). Format 3 adds
to every group the noise level of each pool row's input window (``<group>/pool_noise``,
:func:`forecast._nbeats_train.noise_levels`), by which the forecaster rescales the pool to
the series it forecasts; format 2 (without it: the pool is used as it is) lets the
networks of a group differ in input size and stacks; format 1 (one architecture for every
network of a group, one list of lookbacks) is still read. Loading checks all of it
before a weight is used - format and version, checksum, the set of arrays and each shape
against the architecture, finite values - and refuses anything else with a
:class:`forecast.errors.PretrainedFileError` naming the file and what is wrong. Arrays
are read with ``allow_pickle=False``; nothing is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from forecast._nbeats_net import STACK_TYPES, NBeatsNet
from forecast._nbeats_train import AGGREGATES, forecast_scaled
from forecast.errors import PretrainedFileError
from kernel import save_npz_atomic, write_text_atomic

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "STORAGE_DTYPE",
    "GroupModel",
    "bundled_path",
    "load_bundle",
    "round_to_storage",
    "save_bundle",
]

FORMAT = "riskcast-nbeats"
FORMAT_VERSION = 4
#: The type of the weights in a pretrained file (half the size of float32).
STORAGE_DTYPE = np.float16
#: Versions this riskcast reads (1: one architecture per group; 2: no pool noise levels).
READABLE_VERSIONS = (1, 2, 3, 4)
_DATA = Path(__file__).resolve().parent / "data"
BUNDLED = {"m3": _DATA / "nbeats_m3.json"}


def riskcast_version() -> str:
    try:
        return metadata.version("riskcast")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


@dataclass
class GroupModel:
    """The networks of one frequency group and their held-out error pool.

    Attributes
    ----------
    name : str
        ``"monthly"``, ``"quarterly"``, ``"yearly"`` or ``"other"``.
    input_size, horizon, min_input, season_length : int
        ``input_size`` is the window the forecaster reads: the longest input of the nets
        (a network of a shorter input reads the last values of it).
    nets : list of NBeatsNet
        The ensemble.
    pool : ndarray of shape (n_rows, horizon)
        Held-out errors ``(actual - forecast) / scale`` of validation windows, one row per
        window (NaN where the window had no target), the bootstrap pool of ``paths``.
    info : dict
        Anything else recorded (validation scores, training series count).
    lookbacks : tuple of int
        Input lengths every network also runs on (empty: the full window only); see
        ``forecast._nbeats_train.forecast_scaled``.
    aggregate : {"median", "mean", "net-mean"}
        How the (network, lookback) members are combined.
    net_lookbacks : tuple of tuple of int
        Each network's own lookbacks (empty: every network uses ``lookbacks``).
    pool_noise : ndarray of shape (n_rows,) or None
        Noise level of each pool row's input window (NaN where undefined); None in files
        of format 1 and 2.
    """

    name: str
    input_size: int
    horizon: int
    min_input: int
    season_length: int
    nets: list[NBeatsNet]
    pool: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)
    lookbacks: tuple[int, ...] = ()
    aggregate: str = "median"
    net_lookbacks: tuple[tuple[int, ...], ...] = ()
    pool_noise: np.ndarray | None = None

    def member_lookbacks(self) -> list[tuple[int, ...]]:
        """The lookbacks of each network (its full input when none are set)."""
        if self.net_lookbacks:
            return [tuple(v) for v in self.net_lookbacks]
        return [self.lookbacks or (n.input_size,) for n in self.nets]

    def forecast(self, x: np.ndarray, nets: list[NBeatsNet] | None = None) -> np.ndarray:
        """Scaled ensemble forecast ``(b, H)`` of windows ``x`` encoded at ``input_size``
        (``nets``: others of the same sizes, e.g. fine-tuned copies)."""
        nets = nets or self.nets
        per_net = self.member_lookbacks() if self.net_lookbacks else None
        return forecast_scaled(nets, x, self.lookbacks or None, self.aggregate, per_net)

    def architecture(self) -> dict[str, Any]:
        """The group's entry of the JSON (format 2: one architecture per network)."""
        return {
            "input_size": self.input_size,
            "horizon": self.horizon,
            "min_input": self.min_input,
            "season_length": self.season_length,
            "n_models": len(self.nets),
            "aggregate": self.aggregate,
            "nets": [
                {**_net_arch(net), "lookbacks": list(lbs)}
                for net, lbs in zip(self.nets, self.member_lookbacks(), strict=True)
            ],
        }

    def copy(self) -> GroupModel:
        """Deep copy (fresh networks with the same weights), safe to fine-tune."""
        return GroupModel(
            self.name,
            self.input_size,
            self.horizon,
            self.min_input,
            self.season_length,
            [_copy_net(n) for n in self.nets],
            self.pool.copy(),
            dict(self.info),
            self.lookbacks,
            self.aggregate,
            self.net_lookbacks,
            None if self.pool_noise is None else self.pool_noise.copy(),
        )


def _net_arch(net: NBeatsNet) -> dict[str, Any]:
    """The network's config as a file stores it: without the horizon (the group's, stored
    once) and with the dtype."""
    arch = net.get_config()
    del arch["horizon"]
    return {**arch, "dtype": net.dtype.name}


def _build(arch: dict[str, Any], horizon: int) -> NBeatsNet:
    return NBeatsNet(
        input_size=arch["input_size"],
        horizon=horizon,
        stacks=arch["stacks"],
        width=arch["width"],
        n_blocks=arch["n_blocks"],
        n_layers=arch["n_layers"],
        standardize=arch.get("standardize", False),
        rng=0,
        dtype=arch.get("dtype", "float32"),
    )


def _copy_net(net: NBeatsNet) -> NBeatsNet:
    twin = _build(_net_arch(net), net.horizon)
    twin.set_state(net.state())
    return twin


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_bundle(
    json_path: str | Path, groups: dict[str, GroupModel], training: dict[str, Any]
) -> Path:
    """Write ``<name>.npz`` and ``<name>.json`` (atomically, the npz first); returns the
    JSON path."""
    json_path = Path(json_path)
    npz_path = json_path.with_suffix(".npz")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    meta_groups: dict[str, Any] = {}
    for name, g in groups.items():
        for i, net in enumerate(g.nets):
            for key, arr in net.state().items():
                arrays[f"{name}/{i}/{key}"] = arr.astype(STORAGE_DTYPE)
        arrays[f"{name}/pool"] = np.asarray(g.pool, dtype=np.float32)
        if g.pool_noise is None:
            raise PretrainedFileError(
                f"The group {name!r} cannot be saved in format {FORMAT_VERSION}: it has no "
                "pool noise levels (read from an older file?); add them with "
                "forecast.add_pool_noise(group, series) first."
            )
        arrays[f"{name}/pool_noise"] = np.asarray(g.pool_noise, dtype=np.float32)
        meta_groups[name] = {**g.architecture(), "info": g.info}
    save_npz_atomic(npz_path, arrays)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "riskcast_version": riskcast_version(),
        "npz": npz_path.name,
        "sha256": _sha256(npz_path),
        "groups": meta_groups,
        "arrays": {k: list(v.shape) for k, v in arrays.items()},
        "training": training,
    }
    write_text_atomic(json_path, json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return json_path


def round_to_storage(net: NBeatsNet) -> None:
    """Round the weights of ``net`` in place to :data:`STORAGE_DTYPE`, so a network
    scored right after training forecasts as it will once saved and loaded."""
    for arr in net.state().values():
        arr[...] = arr.astype(STORAGE_DTYPE)


_CACHE: dict[tuple[str, float, int], dict[str, GroupModel]] = {}
_LOCK = threading.Lock()


def bundled_path(name: str) -> Path:
    """Path of a pretrained file shipped in the package (``"m3"``)."""
    return BUNDLED[name]


def load_bundle(path: str | Path) -> dict[str, GroupModel]:
    """Read and check a pretrained file (the ``.json``; its ``.npz`` sits beside it).

    Returns the groups by name; they are shared (cached), so callers copy before training.
    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise PretrainedFileError(f"The pretrained file {path} does not exist.") from None
    key = (str(path.resolve()), st.st_mtime, st.st_size)
    with _LOCK:
        if key not in _CACHE:
            _CACHE.clear()
            _CACHE[key] = _read(path)
        return _CACHE[key]


def _fail(path: Path, what: str) -> PretrainedFileError:
    return PretrainedFileError(f"The pretrained file {path} cannot be used: {what}.")


def _read(path: Path) -> dict[str, GroupModel]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"it is not readable JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        got = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise _fail(path, f"it is not a {FORMAT!r} file (format {got!r})")
    version = meta.get("format_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise _fail(
            path,
            f"it has format version {version!r} (written by riskcast "
            f"{meta.get('riskcast_version', '?')}); this riskcast ({riskcast_version()}) reads "
            f"versions {', '.join(map(str, READABLE_VERSIONS))} only - retrain it with "
            "tools/train_nbeats_m3.py",
        )
    npz_name = meta.get("npz")
    if not isinstance(npz_name, str) or Path(npz_name).name != npz_name:
        raise _fail(path, f"its 'npz' entry must be a file name beside it; got {npz_name!r}")
    npz = path.parent / npz_name
    if not npz.is_file():
        raise _fail(path, f"its weights {npz} are missing")
    digest = _sha256(npz)
    if digest != meta.get("sha256"):
        raise _fail(
            path,
            f"the sha256 of {npz.name} is {digest}, the file records {meta.get('sha256')!r} "
            "(corrupted or replaced weights)",
        )
    groups_meta = meta.get("groups")
    shapes = meta.get("arrays")
    if not isinstance(groups_meta, dict) or not groups_meta or not isinstance(shapes, dict):
        raise _fail(path, "it lists no 'groups' or 'arrays'")
    try:
        with np.load(npz, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise _fail(path, f"{npz.name} is not a readable npz without pickle ({exc})") from None
    if set(arrays) != set(shapes):
        extra = sorted(set(arrays) ^ set(shapes))[:5]
        raise _fail(path, f"the arrays of {npz.name} differ from those it lists: {extra}")
    for k, arr in arrays.items():
        if list(arr.shape) != list(shapes[k]):
            raise _fail(path, f"array {k!r} has shape {arr.shape}, the file lists {shapes[k]}")
        if arr.dtype.kind != "f":
            raise _fail(path, f"array {k!r} has dtype {arr.dtype}, expected floats")
    return {name: _group(path, name, g, arrays, version) for name, g in groups_meta.items()}


def _group(
    path: Path, name: str, g: Any, arrays: dict[str, np.ndarray], version: int
) -> GroupModel:
    need: tuple[str, ...] = ("input_size", "horizon", "min_input", "season_length", "n_models")
    if version == 1:
        need += ("stacks", "width", "n_blocks", "n_layers")
    else:
        need += ("nets",)
    if not isinstance(g, dict) or any(k not in g for k in need):
        raise _fail(path, f"group {name!r} lacks some of {need}")
    L, H, n = int(g["input_size"]), int(g["horizon"]), int(g["n_models"])
    if version == 1:  # one architecture and one list of lookbacks for every network
        specs = [{**g, "lookbacks": g.get("lookbacks", [])} for _ in range(n)]
    else:
        specs = g["nets"]
        if not isinstance(specs, list) or len(specs) != n:
            raise _fail(path, f"group {name!r} must list its {n} networks under 'nets'")
    nets, per_net = [], []
    arch_keys = ("input_size", "stacks", "width", "n_blocks", "n_layers")
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict) or any(k not in spec for k in arch_keys):
            raise _fail(path, f"network {i} of group {name!r} lacks some of {arch_keys}")
        if not all(s in STACK_TYPES for s in spec["stacks"]):
            raise _fail(path, f"group {name!r} has unknown stacks {spec['stacks']!r}")
        if version < 4:  # written before networks could standardise
            spec = {k: v for k, v in spec.items() if k != "standardize"}
        if not isinstance(spec.get("standardize", False), bool):
            raise _fail(
                path,
                f"network {i} of group {name!r} has standardize={spec['standardize']!r}, "
                "not true or false",
            )
        size = spec["input_size"]
        if not isinstance(size, int) or not 2 <= size <= L:
            raise _fail(path, f"network {i} of group {name!r} has input size {size!r}, not 2..{L}")
        lookbacks = spec.get("lookbacks", [])
        if not isinstance(lookbacks, list) or not all(
            isinstance(v, int) and 1 <= v <= size for v in lookbacks
        ):
            raise _fail(
                path, f"group {name!r} has lookbacks {lookbacks!r}, not integers in 1..{size}"
            )
        net = _build(spec, H)
        state = {}
        for key, p in net.state().items():
            arr = arrays.get(f"{name}/{i}/{key}")
            if arr is None or arr.shape != p.shape:
                got = None if arr is None else arr.shape
                raise _fail(
                    path, f"{name}/{i}/{key} has shape {got}; the architecture needs {p.shape}"
                )
            if not np.isfinite(arr).all():
                raise _fail(path, f"{name}/{i}/{key} holds non-finite weights")
            state[key] = arr
        net.set_state(state)
        nets.append(net)
        per_net.append(tuple(lookbacks or [size]))
    if g.get("aggregate", "median") not in AGGREGATES:
        raise _fail(path, f"group {name!r} has aggregate {g.get('aggregate')!r}")
    pool = arrays.get(f"{name}/pool")
    if pool is None or pool.ndim != 2 or pool.shape[1] != H:
        raise _fail(path, f"group {name!r} has no error pool of shape (rows, {H})")
    noise = None
    if version >= 3:
        noise = arrays.get(f"{name}/pool_noise")
        if noise is None or noise.shape != (pool.shape[0],):
            got = None if noise is None else noise.shape
            raise _fail(
                path, f"group {name!r} has pool noise levels of shape {got}, not ({pool.shape[0]},)"
            )
        noise = noise.astype(np.float64)
    if version == 1:
        lbs = tuple(g.get("lookbacks", []))
        return GroupModel(name, L, H, int(g["min_input"]), int(g["season_length"]), nets,
                          pool.astype(np.float64), dict(g.get("info", {})), lbs,
                          str(g.get("aggregate", "median")))  # fmt: skip
    return GroupModel(name, L, H, int(g["min_input"]), int(g["season_length"]), nets,
                      pool.astype(np.float64), dict(g.get("info", {})), (),
                      str(g.get("aggregate", "median")), tuple(per_net), noise)  # fmt: skip
