"""Upper layers import from package roots, and only names the root exports in ``__all__``.

For every module of the packages listed in ``[tool.importlinter] root_packages``, each
import of *another* of those packages must

- name a package (the root, ``montecarlo``, or a public subpackage such as
  ``plots``), not a module inside it (``from montecarlo.target import ...``
  and ``import forecast.auto`` are reported: the name belongs in the root's ``__all__``);
- import only names that package lists in ``__all__`` (``from forecast import x`` with
  ``x`` missing from ``forecast.__all__`` is reported).

It also reports every package ``__init__`` whose ``__all__`` names something it does not
define, and every submodule shadowed by a package attribute of the same name that is not
the module (``forecast.backtest`` the function hiding ``forecast/backtest.py``). Imports
inside one package are free; tests are not checked. Usage::

    python tools/check_public_surface.py [ROOT]

prints one line per finding, ``path:line: message``, and exits 1 if there is any that is not
in :data:`BASELINE` (checked on this repository only), or a baseline entry that is fixed.
"""

from __future__ import annotations

import ast
import importlib
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path


def _packages(root: Path) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(root: Path, dotted: str) -> bool:
    return (root.joinpath(*dotted.split(".")) / "__init__.py").is_file()


def _public_package(root: Path, dotted: str) -> bool:
    parts = dotted.split(".")
    return _is_package(root, dotted) and not any(p.startswith("_") for p in parts)


def _all_of(root: Path, dotted: str) -> set[str] | None:
    init = root.joinpath(*dotted.split(".")) / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return {ast.literal_eval(e) for e in node.value.elts}  # type: ignore[attr-defined]
    return None


def imports_findings(root: Path) -> Iterator[str]:
    """Imports of another package that bypass its root or its ``__all__``."""
    packages = _packages(root)
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            importer = _module_name(root, path)
            rel = path.relative_to(root)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names: list[tuple[str, str | None]]
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [(node.module, a.name) for a in node.names]
                elif isinstance(node, ast.Import):
                    names = [(a.name, None) for a in node.names]
                else:
                    continue
                for module, name in names:
                    top = module.split(".")[0]
                    if top not in packages or top == importer.split(".")[0]:
                        continue
                    if name is not None and _is_package(root, f"{module}.{name}"):
                        target, name = f"{module}.{name}", None  # from dashboard import figures
                    else:
                        target = module
                    if not _public_package(root, target):
                        yield (
                            f"{rel}:{node.lineno}: {importer} imports {target}, not a package "
                            f"root: import from {top} (add the name to its __all__)"
                        )
                        continue
                    exported = _all_of(root, target)
                    if name is not None and (exported is None or name not in exported):
                        yield (
                            f"{rel}:{node.lineno}: {importer} imports {name} from {target}, "
                            f"which is not in {target}.__all__"
                        )


def package_findings(root: Path) -> Iterator[str]:
    """``__all__`` entries a package does not define; submodules shadowed by attributes."""
    sys.path.insert(0, str(root))
    for pkg in _packages(root):
        for init in sorted((root / pkg).rglob("__init__.py")):
            dotted = _module_name(root, init)
            if not _public_package(root, dotted):
                continue
            mod = importlib.import_module(dotted)
            for name in sorted(_all_of(root, dotted) or ()):
                if not hasattr(mod, name):
                    yield f"{init.relative_to(root)}: {dotted}.__all__ names {name!r}, undefined"
            for sub in sorted(init.parent.glob("*.py")):
                if sub.stem == "__init__" or sub.stem.startswith("_"):
                    continue
                attr = getattr(mod, sub.stem, None)
                if attr is not None and getattr(attr, "__name__", None) != f"{dotted}.{sub.stem}":
                    yield (
                        f"{sub.relative_to(root)}: module {dotted}.{sub.stem} is shadowed by "
                        f"the package attribute {sub.stem!r} ({type(attr).__name__})"
                    )


#: Findings to shrink (a new finding, or a fixed one still listed, fails). Empty since
#: nn.gradcheck became nn.gradient_check and forecast.registry's function registered_models.
BASELINE: frozenset[str] = frozenset()


def findings(root: Path) -> list[str]:
    """Every finding, in order, each once."""
    return list(dict.fromkeys([*imports_findings(root), *package_findings(root)]))


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    found = findings(root)
    baseline = BASELINE if len(argv) <= 1 else frozenset()
    new = [f for f in found if f not in baseline]
    stale = sorted(baseline - set(found))
    for line in new:
        print(line)
    for line in stale:
        print(f"fixed, delete it from BASELINE: {line}")
    if new or stale:
        print(f"{len(new)} finding(s), {len(stale)} stale baseline entr(ies)")
        return 1
    print(
        "Every import across packages goes through a package root and its __all__"
        + (f" ({len(baseline)} baseline finding(s) left)." if baseline else ".")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
