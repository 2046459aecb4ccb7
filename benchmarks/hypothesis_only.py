"""A pytest plugin for benchmarks/reliability.py: keep only the tests hypothesis drives.

Loaded with ``-p hypothesis_only``; the rest of those test modules is the test suite's business.
"""

from __future__ import annotations

from typing import Any


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    kept = [item for item in items if getattr(getattr(item, "obj", None), "is_hypothesis_test", False)]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
