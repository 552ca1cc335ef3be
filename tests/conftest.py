"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_main_module() -> Iterator[None]:
    """Put back ``sys.modules['__main__']`` after every test.

    Streamlit's AppTest runs a page as ``__main__`` and can leave it there; a later Dask
    LocalCluster (spawned worker processes re-import ``__main__``) would then run the page
    in every worker and fail to start ("Nanny failed to start worker process").
    """
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
