"""Public surface (issue 10 item 8): imports across packages go through a package root and
its ``__all__``, every ``__all__`` name is defined, no submodule is shadowed by a package
attribute of the same name. tools/check_public_surface.py is run on a small tree that
breaks each rule once, then on the real tree against its shrinking baseline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_public_surface", ROOT / "tools" / "check_public_surface.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_each_rule_is_caught_on_a_small_tree(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pyproject.toml": '[tool.importlinter]\nroot_packages = ["psf_low", "psf_up"]\n',
        "psf_low/__init__.py": (
            "from psf_low.core import helper, public\n"
            "from psf_low.tool import tool\n"
            '__all__ = ["public", "tool", "ghost"]\n'
        ),
        "psf_low/core.py": "def public(): ...\ndef helper(): ...\n",
        "psf_low/tool.py": "def tool(): ...\n",
        "psf_low/figs/__init__.py": 'from psf_low.figs.charts import bar\n__all__ = ["bar"]\n',
        "psf_low/figs/charts.py": "def bar(): ...\n",
        "psf_up/__init__.py": '__all__ = []\n',
        "psf_up/ok.py": (
            "from psf_low import public\nfrom psf_low.figs import bar\n"
            "from psf_low import figs\nimport psf_low\nfrom psf_up import ok\n"
        ),
        "psf_up/bad.py": "from psf_low.core import public\nfrom psf_low import helper\n"
                         "import psf_low.core\n",
    })  # fmt: skip
    checker = _checker()
    try:
        found = checker.findings(tmp_path)
    finally:
        for name in [m for m in sys.modules if m.startswith(("psf_low", "psf_up"))]:
            del sys.modules[name]
        sys.path.remove(str(tmp_path))
    assert found == [
        "psf_up/bad.py:1: psf_up.bad imports psf_low.core, not a package root: import from "
        "psf_low (add the name to its __all__)",
        "psf_up/bad.py:2: psf_up.bad imports helper from psf_low, which is not in psf_low.__all__",
        "psf_up/bad.py:3: psf_up.bad imports psf_low.core, not a package root: import from "
        "psf_low (add the name to its __all__)",
        "psf_low/__init__.py: psf_low.__all__ names 'ghost', undefined",
        "psf_low/tool.py: module psf_low.tool is shadowed by the package attribute 'tool' "
        "(function)",
    ]
    assert checker.main(["check", str(tmp_path)]) == 1


def test_the_real_tree_keeps_the_rules_up_to_its_baseline(capsys: pytest.CaptureFixture) -> None:
    checker = _checker()
    status = checker.main(["check"])
    out = capsys.readouterr().out
    assert status == 0, out
