#!/usr/bin/env python
"""Install riskcast as users install it, then run the README's quick start from elsewhere.

    python tools/check_wheel.py                      # with this interpreter
    python tools/check_wheel.py --python python3.12  # another one (the wheel is pure Python)

1. Copies the checkout's files (tracked, plus untracked ones git does not ignore: on a
   fresh clone, exactly the repository) to a temporary folder, so no stale ``build/``
   or ``*.egg-info`` of the checkout can leak into the wheel.
2. ``python -m build --no-isolation``: the sdist, then the wheel built *from the sdist*,
   as a release would (a file missing from the sdist fails here). Without isolation the
   build uses this interpreter's setuptools (``[build-system] requires``, checked by
   ``build``), which saves two throwaway environments.
3. Every file of the packages named in ``pyproject.toml`` (data files included) must be
   in the wheel.
4. A fresh virtual environment *without* system site packages; the wheel (not editable)
   installed into it with the dependencies its metadata declares and nothing else,
   from a persistent wheelhouse (``--wheelhouse``, default ``$RISKCAST_WHEELHOUSE`` or
   ``~/.cache/riskcast/wheelhouse``) that ``pip download`` fills from PyPI when a
   requirement is missing from it (pip's own cache does not keep PyPI's wheels here).
   Then ``pip check``.
5. Every package imports from the environment's site-packages, and, from a folder
   outside the checkout, ``riskcast target --as-of 2015-09 --target 186`` answers the
   classic question (``python -m riskcast`` has its own tests; its ``__main__`` module is
   among the files step 3 finds in the wheel).

Each step's wall time is printed; the exit status is 1 if a step failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUICK_START = ["target", "--as-of", "2015-09", "--target", "186"]
METHODS = ("iid-normal", "iid-johnson", "seasonal", "bootstrap")


class CheckFailed(RuntimeError):
    """A step of the wheel check failed (the message says which and why)."""


def packages() -> list[str]:
    """The top-level packages the wheel ships (``[tool.setuptools] packages``)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = conf["tool"]["setuptools"]["packages"]["find"]["include"]
    return [p.rstrip("*") for p in include]


def run(cmd: list[str], *, cwd: Path, step: str, env: dict[str, str] | None = None) -> str:
    """Run ``cmd``; return its stdout, or raise :class:`CheckFailed` with its output."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CheckFailed(
            f"{step}: {' '.join(cmd)} exited {proc.returncode}\n{proc.stdout[-4000:]}"
            f"\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


def clean_env() -> dict[str, str]:
    """The environment without anything pointing Python at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def copy_sources(dest: Path) -> list[str]:
    """Copy the files git would hand a fresh clone (plus untracked, not ignored ones)."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                 cwd=ROOT, step="list sources")  # fmt: skip
    files = [f for f in listed.split("\0") if f and (ROOT / f).is_file()]
    for f in files:
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest / f)
    return files


def check_wheel_contents(wheel: Path, files: list[str]) -> int:
    """Every file of the shipped packages is in the wheel; returns how many were checked."""
    tops = packages()
    want = {f for f in files if f.split("/", 1)[0] in tops and "__pycache__" not in f}
    with zipfile.ZipFile(wheel) as z:
        have = set(z.namelist())
    missing = sorted(want - have)
    if missing:
        raise CheckFailed(
            f"wheel contents: {len(missing)} file(s) of the packages are not in {wheel.name} "
            f"(package-data in pyproject.toml?): {missing[:20]}"
        )
    return len(want)


def install(venv_python: Path, wheel: Path, wheelhouse: Path, *, cwd: Path) -> str:
    """Install ``wheel`` and its declared dependencies from ``wheelhouse`` (filled from
    PyPI with ``pip download`` if something is missing); returns what was done."""
    env = clean_env()
    pip = [sys.executable, "-m", "pip", "--python", str(venv_python)]
    offline = [*pip, "install", "-q", "--no-compile", "--no-index", "--find-links",
               str(wheelhouse), str(wheel)]  # fmt: skip
    try:
        run(offline, cwd=cwd, step="install (wheelhouse)", env=env)
        return "from the wheelhouse"
    except CheckFailed:
        wheelhouse.mkdir(parents=True, exist_ok=True)
        run([*pip, "download", "-q", "-d", str(wheelhouse), str(wheel)], cwd=cwd,
            step="pip download", env=env)  # fmt: skip
        run(offline, cwd=cwd, step="install (after pip download)", env=env)
        return "after pip download from PyPI"


def check(
    python: str, wheelhouse: Path, *, log: Callable[[str], object] = print
) -> dict[str, float]:
    """The whole check with the interpreter ``python``; returns each step's seconds."""
    times: dict[str, float] = {}

    def timed(name: str, t0: float) -> None:
        times[name] = time.perf_counter() - t0
        log(f"  {name:<14} {times[name]:6.1f} s")

    with tempfile.TemporaryDirectory(prefix="riskcast-wheel-") as tmp_name:
        tmp = Path(tmp_name)
        src, dist, venv, outside = tmp / "src", tmp / "dist", tmp / "venv", tmp / "elsewhere"
        for d in (src, outside):
            d.mkdir()
        t0 = time.perf_counter()
        files = copy_sources(src)
        timed("copy sources", t0)

        t0 = time.perf_counter()
        run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)],
            cwd=tmp, step="build", env=clean_env())  # fmt: skip
        wheels = sorted(dist.glob("*.whl"))
        if len(wheels) != 1 or not list(dist.glob("*.tar.gz")):
            raise CheckFailed(f"build: expected one sdist and one wheel, got {os.listdir(dist)}")
        wheel = wheels[0]
        timed("build", t0)
        n = check_wheel_contents(wheel, files)
        log(f"  {wheel.name}: all {n} files of {', '.join(packages())} present")

        t0 = time.perf_counter()
        run([python, "-m", "venv", "--without-pip", str(venv)], cwd=tmp, step="venv")
        vpy = venv / "bin" / "python"
        how = install(vpy, wheel, wheelhouse, cwd=tmp)
        timed("install", t0)
        log(f"  installed {how}")
        run([sys.executable, "-m", "pip", "--python", str(vpy), "check"], cwd=tmp,
            step="pip check", env=clean_env())  # fmt: skip

        t0 = time.perf_counter()
        code = (
            "import importlib, pathlib, sys\n"
            f"for name in {packages()!r}:\n"
            "    mod = importlib.import_module(name)\n"
            "    where = pathlib.Path(mod.__file__).resolve()\n"
            "    assert pathlib.Path(sys.prefix).resolve() in where.parents, (name, where)\n"
            "print('imported from', sys.prefix)\n"
        )
        run([str(vpy), "-c", code], cwd=outside, step="import", env=clean_env())
        timed("imports", t0)

        t0 = time.perf_counter()
        out = run([str(venv / "bin" / "riskcast"), *QUICK_START], cwd=outside,
                  step="quick start", env=clean_env())  # fmt: skip
        timed("quick start", t0)
        if "P(year total >= 186), seed 0, series 'units':" not in out or not all(
            f"  {m} " in out and "P(hit) =" in out for m in METHODS
        ):
            raise CheckFailed(f"quick start: the answer is not in the output:\n{out}")
        log("\n".join("  | " + line for line in out.splitlines() if "P(hit)" in line))
    return times


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--python`` and ``--wheelhouse``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter of the venv")
    parser.add_argument(
        "--wheelhouse",
        type=Path,
        default=Path(
            os.environ.get("RISKCAST_WHEELHOUSE", "~/.cache/riskcast/wheelhouse")
        ).expanduser(),
    )
    args = parser.parse_args(argv)
    version = run([args.python, "-c", "import sys; print(sys.version.split()[0])"],
                  cwd=ROOT, step="python").strip()  # fmt: skip
    print(f"wheel check with Python {version} ({args.python})")
    t0 = time.perf_counter()
    try:
        check(args.python, args.wheelhouse)
    except CheckFailed as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    print(f"wheel check passed in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
