"""No module of ours uses a private name (``_name``) that another module defines.

import-linter sees modules, not names: its ``private_modules`` contract (pyproject.toml)
stops ``riskcast`` from importing ``forecast._series``, but not ``from montecarlo.target
import _row_sums`` inside ``montecarlo.backtest``. This checker reads the source of the
packages listed in ``[tool.importlinter] root_packages`` and reports, for every module:

- ``from M import _name`` where ``M`` is one of our modules and ``M._name`` is not a
  module (private *modules* are import-linter's job);
- ``M._name`` where ``M`` is bound by an import of one of our modules
  (``from montecarlo import target`` then ``target._row_sums``, or ``import nn.io`` then
  ``nn.io._check``).

Dunder names (``__version__``) are public. Tests are not checked. Usage::

    python tools/check_private_imports.py [ROOT]

prints one line per use, ``path:line: importer uses M._name``, and exits 1 if there is any.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(root: Path, dotted: str) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module a ``from ... import`` reads, with relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    parts = importer.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    base = parts[:keep]
    return ".".join([*base, node.module] if node.module else base)


def find_private_uses(root: Path, packages: list[str]) -> Iterator[tuple[Path, int, str, str]]:
    """Yield ``(path, line, importer, "M._name")`` for every cross-module private use."""
    ours = tuple(packages)

    def is_ours(dotted: str) -> bool:
        return dotted.split(".")[0] in ours

    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            importer = _module_name(root, path)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            modules: dict[str, str] = {}  # local name -> our module it is bound to
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if is_ours(alias.name):
                            if alias.asname:
                                modules[alias.asname] = alias.name
                            else:  # `import a.b.c` binds `a`; a.b.c is reached as attributes
                                modules[alias.name.split(".")[0]] = alias.name.split(".")[0]
                elif isinstance(node, ast.ImportFrom):
                    source = _absolute(node, importer, path.name == "__init__.py")
                    if not is_ours(source):
                        continue
                    for alias in node.names:
                        dotted = f"{source}.{alias.name}"
                        if _is_module(root, dotted):
                            modules[alias.asname or alias.name] = dotted
                        elif _private(alias.name) and source != importer:
                            yield path, node.lineno, importer, dotted
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and _private(node.attr):
                    target = _dotted(node.value, modules)
                    if target is not None and target != importer:
                        if not _is_module(root, f"{target}.{node.attr}"):
                            yield path, node.lineno, importer, f"{target}.{node.attr}"


def _dotted(node: ast.expr, modules: dict[str, str]) -> str | None:
    """The module an expression such as ``nn.io`` or ``target`` names, if it is ours."""
    if isinstance(node, ast.Name):
        return modules.get(node.id)
    if isinstance(node, ast.Attribute) and not _private(node.attr):
        base = _dotted(node.value, modules)
        return None if base is None else f"{base}.{node.attr}"
    return None


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["importlinter"]["root_packages"]
    found = sorted(set(find_private_uses(root, packages)))
    for path, line, importer, name in found:
        print(f"{path.relative_to(root)}:{line}: {importer} uses {name}")
    print(
        f"{len(found)} use(s) of another module's private name"
        if found
        else f"No module uses another module's private name ({', '.join(packages)})."
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
