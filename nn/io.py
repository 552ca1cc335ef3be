"""Save and load models: parameters in ``.npz``, architecture as JSON, no pickle.

A model file is one NumPy ``.npz`` archive holding every parameter array (and every
non-trainable buffer, e.g. running statistics, see :class:`nn.base.Layer`) plus a
``__model__`` entry: a JSON text with a format marker, the architecture (layer class
names and their ``get_config()``, nested for containers) and the list of parameter
entries. Loading never unpickles (``np.load(allow_pickle=False)``) and only builds layer
classes exported by :mod:`nn` (or passed in ``custom_objects``). Writing is atomic: a
temporary file in the target directory is renamed over the destination with
``os.replace`` (:func:`kernel.save_npz_atomic`), so a crash never leaves a half-written
model behind.

Examples
--------
>>> import numpy as np, tempfile, os
>>> from nn.layers import Dense, Sequential
>>> model = Sequential([Dense(2, 3, activation="tanh", rng=0), Dense(3, 1, rng=1)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
>>> save_model(model, path)
>>> again = load_model(path)
>>> x = np.ones((4, 2))
>>> bool(np.array_equal(again.forward(x), model.forward(x)))
True
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from kernel import save_npz_atomic
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["load_model", "save_model"]

FORMAT = "riskcast.nn.model"
VERSION = 1
_META_KEY = "__model__"


def _describe(layer: Layer) -> dict[str, Any]:
    config = layer.get_config()
    try:
        json.dumps(config)
    except (TypeError, ValueError) as exc:
        raise NNTypeError(
            f"The 'model' parameter of save_model holds a {type(layer).__name__} whose "
            f"get_config() is not JSON-serialisable ({exc})."
        ) from None
    return {"class": type(layer).__name__, "config": config}


def save_model(model: Layer, path: str | os.PathLike[str]) -> None:
    """Write ``model``'s architecture and parameters to ``path`` (``.npz``), atomically.

    Parameters
    ----------
    model : Layer
        Any layer or container whose layers implement ``get_config()``.
    path : str or PathLike
        Destination file (conventionally ending in ``.npz``; used as given).
    """
    if not isinstance(model, Layer):
        raise NNTypeError(
            "The 'model' parameter of save_model must be an nn Layer. "
            f"Got {type(model).__name__} instead."
        )
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    entries = []
    buffers = []  # non-trainable state (Layer.buffers), e.g. running statistics
    for i, layer in enumerate(model.layers()):
        for key, p in layer.params.items():
            name = f"layer{i}.{key}"
            arrays[name] = np.asarray(p)
            entries.append(
                {
                    "layer": i,
                    "class": type(layer).__name__,
                    "key": key,
                    "name": name,
                    "shape": list(p.shape),
                    "dtype": p.dtype.str,
                }
            )
        for key, b in getattr(layer, "buffers", {}).items():
            name = f"layer{i}.buffer.{key}"
            arrays[name] = np.asarray(b)
            buffers.append({"layer": i, "class": type(layer).__name__, "key": key, "name": name})
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": _describe(model),
        "params": entries,
        "buffers": buffers,
    }
    arrays[_META_KEY] = np.array(json.dumps(meta))
    save_npz_atomic(path, arrays)


def _layer_classes(custom_objects: dict[str, type] | None) -> dict[str, type]:
    import nn  # the public namespace is the allow-list of buildable classes

    classes = {
        name: obj
        for name, obj in vars(nn).items()
        if isinstance(obj, type) and issubclass(obj, Layer)
    }
    for name, obj in (custom_objects or {}).items():
        if not (isinstance(obj, type) and issubclass(obj, Layer)):
            raise NNTypeError(
                "The 'custom_objects' parameter of load_model must map names to Layer "
                f"classes. Got {obj!r} for {name!r}."
            )
        classes[name] = obj
    return classes


def _is_spec(obj: Any) -> bool:
    return isinstance(obj, dict) and set(obj) == {"class", "config"}


def _build(spec: Any, classes: dict[str, type], where: str) -> Layer:
    if not _is_spec(spec) or not isinstance(spec["config"], dict):
        raise NNValueError(f"{where}: the architecture entry {spec!r:.80} is malformed.")
    cls = classes.get(spec["class"])
    if cls is None:
        raise NNValueError(
            f"{where}: unknown layer class {spec['class']!r}. Known classes: "
            f"{sorted(classes)}; pass custom layers in custom_objects."
        )
    config = {}
    for key, value in spec["config"].items():
        if _is_spec(value):
            value = _build(value, classes, where)
        elif isinstance(value, list) and value and all(_is_spec(v) for v in value):
            value = [_build(v, classes, where) for v in value]
        config[key] = value
    try:
        return cls(**config)
    except (TypeError, ValueError) as exc:
        raise NNValueError(
            f"{where}: cannot rebuild {spec['class']} from its saved config "
            f"{spec['config']!r:.200} ({exc})."
        ) from None


def load_model(
    path: str | os.PathLike[str], *, custom_objects: dict[str, type] | None = None
) -> Layer:
    """Rebuild a model saved by :func:`save_model`.

    Parameters
    ----------
    path : str or PathLike
        A file written by :func:`save_model`.
    custom_objects : dict of str to Layer subclass, optional
        Layer classes outside :mod:`nn` that the architecture names.

    Returns
    -------
    Layer
        A new model with the saved parameters.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    NNValueError
        If the file is not a readable model file (corrupt, foreign, pickled content,
        unknown layer classes, parameters that do not fit the architecture).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"The 'path' parameter of load_model: no file {str(path)!r}.")
    where = f"load_model({str(path)!r})"
    try:
        with np.load(path, allow_pickle=False) as data:
            if _META_KEY not in data.files:
                raise NNValueError(
                    f"{where}: not an nn model file (no {_META_KEY!r} entry; it holds "
                    f"{sorted(data.files)[:5]})."
                )
            meta = json.loads(str(data[_META_KEY]))
            saved_entries = [*meta.get("params", []), *meta.get("buffers", [])]
            arrays = {e["name"]: data[e["name"]] for e in saved_entries}
    except NNValueError:
        raise
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        raise NNValueError(
            f"{where}: the file is corrupt or not an nn model file (.npz written by "
            f"save_model): {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise NNValueError(f"{where}: not an nn model file (format marker missing).")
    if meta.get("version") != VERSION:
        raise NNValueError(
            f"{where}: unsupported model file version {meta.get('version')!r} "
            f"(this nn reads version {VERSION})."
        )
    model = _build(meta.get("architecture"), _layer_classes(custom_objects), where)
    layers = list(model.layers())
    expected = {(i, key) for i, layer in enumerate(layers) for key in layer.params}
    saved = {(e["layer"], e["key"]) for e in meta["params"]}
    if expected != saved:
        raise NNValueError(
            f"{where}: the saved parameters {sorted(saved)[:6]} do not match the rebuilt "
            f"architecture's {sorted(expected)[:6]}."
        )
    for e in meta["params"]:
        p = layers[e["layer"]].params[e["key"]]
        arr = arrays[e["name"]]
        if arr.shape != p.shape:
            raise NNValueError(
                f"{where}: parameter {e['key']!r} of layer {e['layer']} ({e['class']}) has "
                f"shape {arr.shape} in the file but {p.shape} in the architecture."
            )
        p[...] = arr  # in place: the layer keeps its own arrays
    expected = {(i, k) for i, layer in enumerate(layers) for k in getattr(layer, "buffers", {})}
    saved = {(e["layer"], e["key"]) for e in meta.get("buffers", [])}
    if expected != saved:
        raise NNValueError(
            f"{where}: the saved buffers {sorted(saved)[:6]} do not match the rebuilt "
            f"architecture's {sorted(expected)[:6]}."
        )
    for e in meta.get("buffers", []):
        b = layers[e["layer"]].buffers[e["key"]]
        arr = arrays[e["name"]]
        if arr.shape != b.shape:
            raise NNValueError(
                f"{where}: buffer {e['key']!r} of layer {e['layer']} ({e['class']}) has "
                f"shape {arr.shape} in the file but {b.shape} in the architecture."
            )
        b[...] = arr
    return model
