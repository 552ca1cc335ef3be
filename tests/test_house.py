"""The house rules that CI checks: one test command, and import contracts that hold DESIGN.md.

The import-linter contracts of ``pyproject.toml`` are run here on a small synthetic import
graph with the shape of the packages: every arrow DESIGN.md allows keeps every contract,
and each forbidden arrow breaks exactly the contract that names it. So a contract that is
weakened, mistyped or dropped fails this test, whatever state the real tree is in
(``lint-imports`` in tools/check.sh checks the real tree). The AST checker of private names
used across modules (tools/check_private_imports.py, which import-linter cannot express)
is run on a small tree of its own.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.private_modules import PrivateModulesContract

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LINTER = CONFIG["tool"]["importlinter"]
TYPES = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "private_modules": PrivateModulesContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}
configuration.configure()  # what the lint-imports command does first (a timer for checks)
PACKAGES = ["kernel", "plots", "nn", "montecarlo", "forecast", "analytics", "dashboard", "riskcast"]
EXTERNAL = ["numpy", "pandas", "scipy", "streamlit", "plotly", "torch"]
# Every arrow DESIGN.md allows (importer -> imported).
ALLOWED = [
    *((f"{p}.core", "kernel.core") for p in PACKAGES if p != "kernel"),
    *((f"{p}.core", f"{p}._private") for p in PACKAGES),  # a package's own private module
    ("kernel.core", "numpy"),
    ("kernel.core", "pandas"),
    ("montecarlo.core", "scipy"),
    ("forecast.core", "nn.core"),
    ("forecast.core", "montecarlo.core"),
    ("forecast.core", "montecarlo.other"),
    ("montecarlo.other", "montecarlo.core"),
    ("plots", "plotly"),
    ("plots", "kernel.core"),
    ("montecarlo.core", "plots"),  # result objects draw themselves (.plot())
    ("forecast.core", "plots"),
    ("dashboard.app", "streamlit"),
    ("dashboard.app", "plots"),
    ("dashboard.app", "forecast.core"),
    ("dashboard.app", "analytics.core"),
    ("riskcast.core", "dashboard.app"),  # riskcast launches the dashboard
    ("riskcast.report", "plots"),  # and its reports draw with the figure builders
    ("riskcast.report", "forecast.core"),
    ("riskcast.report", "riskcast._private"),
]
# A forbidden arrow and the ids of the contracts it must break (indirect imports count).
FORBIDDEN = [
    ("kernel.core", "nn.core", ["layers"]),
    ("kernel.core", "scipy", ["kernel-deps"]),
    ("nn.core", "montecarlo.core", ["layers"]),
    ("montecarlo.core", "analytics.core", ["layers", "forecast-deps"]),  # via montecarlo
    ("analytics.core", "nn.core", ["layers"]),
    ("montecarlo.core", "forecast.core", ["layers"]),
    ("forecast.core", "analytics.core", ["forecast-deps"]),
    ("plots", "forecast.core", ["layers"]),
    ("plots", "montecarlo.core", ["layers"]),
    ("kernel.core", "plots", ["layers", "kernel-deps"]),  # plots brings plotly
    ("dashboard.app", "riskcast.core", ["layers"]),
    ("riskcast.core", "forecast._private", ["private-modules"]),
    ("dashboard.app", "analytics._private", ["private-modules"]),
    ("montecarlo.core", "montecarlo.other", ["acyclic"]),  # other already imports core
    ("plots", "streamlit", ["no-streamlit"]),
    ("riskcast.report", "dashboard.app", ["no-streamlit"]),  # streamlit through the app
    ("nn.core", "torch", ["dev-only"]),
]


def _graph(extra: tuple[str, str] | None = None) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for name in PACKAGES:
        for module in (name, f"{name}.core", f"{name}._private"):
            graph.add_module(module)
    for module in ("montecarlo.other", "dashboard.app", "riskcast.report"):
        graph.add_module(module)
    for name in EXTERNAL:
        graph.add_module(name, is_squashed=True)
    for importer, imported in [*ALLOWED, *([extra] if extra else [])]:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    return graph


def _broken(graph: grimp.ImportGraph) -> list[str]:
    session = {k: v for k, v in LINTER.items() if k != "contracts"}
    broken = []
    for options in LINTER["contracts"]:
        contract_options: dict[str, Any] = dict(options)
        contract = TYPES[options["type"]](
            name=options["name"], session_options=session, contract_options=contract_options
        )
        if not contract.check(copy.deepcopy(graph), verbose=False).kept:
            broken.append(options["id"])
    return broken


def test_every_arrow_design_allows_keeps_every_contract() -> None:
    assert _broken(_graph()) == []


@pytest.mark.parametrize(("importer", "imported", "contracts"), FORBIDDEN)
def test_each_forbidden_arrow_breaks_its_contract(
    importer: str, imported: str, contracts: list[str]
) -> None:
    assert _broken(_graph((importer, imported))) == contracts


def test_the_contracts_and_mypy_cover_every_package() -> None:
    include = CONFIG["tool"]["setuptools"]["packages"]["find"]["include"]
    installed = sorted(p.removesuffix("*") for p in include)
    assert sorted(LINTER["root_packages"]) == installed == sorted(PACKAGES)
    assert sorted(CONFIG["tool"]["mypy"]["packages"]) == installed
    assert {c["type"] for c in LINTER["contracts"]} <= set(TYPES)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    commands = [b for b in blocks if "tools/check.sh" in b]
    assert commands == [
        "bash tools/setup.sh --dev && bash tools/check.sh --no-tests && python -m pytest -q"
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == commands[0]


def _checker() -> Any:
    spec = importlib.util.spec_from_file_location(
        "check_private_imports", ROOT / "tools" / "check_private_imports.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_private_names_used_across_modules_are_found(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.importlinter]\nroot_packages = ["alpha", "beta"]\n',
        "alpha/__init__.py": "from alpha.core import Public, _own_use\n__version__ = '1'\n",
        "alpha/core.py": "def _helper(): ...\nclass Public: ...\n_own_use = 1\nx = _helper()\n",
        "alpha/_impl.py": "def run(): ...\ndef _secret(): ...\n",
        "alpha/sub/__init__.py": "",
        "alpha/sub/leaf.py": (
            "from .. import _impl\n"  # a private module: import-linter's job
            "from ..core import Public as P, _helper\n"  # line 2
            "from alpha import core\n"
            "import alpha.core\n"
            "import alpha._impl as impl\n"
            "import numpy as np\n"
            "from numpy import _core\n"  # not ours
            "_impl.run(); core.Public(); np._NoValue\n"
            "core._helper()\n"  # line 9
            "alpha.core._helper()\n"  # line 10
            "impl._secret(); alpha.__version__\n"  # line 11
            "def f(self): return self._x\n"
        ),
        "beta/__init__.py": "from alpha.core import _helper as h\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    checker = _checker()
    found = sorted(
        (str(p.relative_to(tmp_path)), line, who, what)
        for p, line, who, what in checker.find_private_uses(tmp_path, ["alpha", "beta"])
    )
    assert found == [
        ("alpha/__init__.py", 1, "alpha", "alpha.core._own_use"),
        ("alpha/sub/leaf.py", 2, "alpha.sub.leaf", "alpha.core._helper"),
        ("alpha/sub/leaf.py", 9, "alpha.sub.leaf", "alpha.core._helper"),
        ("alpha/sub/leaf.py", 10, "alpha.sub.leaf", "alpha.core._helper"),
        ("alpha/sub/leaf.py", 11, "alpha.sub.leaf", "alpha._impl._secret"),
        ("beta/__init__.py", 1, "beta", "alpha.core._helper"),
    ]
    assert checker.main([str(tmp_path)]) == 1
    (tmp_path / "beta" / "__init__.py").write_text("from alpha.core import Public\n")
    (tmp_path / "alpha" / "__init__.py").write_text("from alpha.core import Public\n")
    (tmp_path / "alpha" / "sub" / "leaf.py").write_text("from alpha import _impl\n_impl.run()\n")
    assert checker.main([str(tmp_path)]) == 0
