from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the real home: journal and config live in a temporary folder."""
    home = tmp_path / "encounters-home"
    monkeypatch.setenv("ENCOUNTERS_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ENCOUNTERS_PRACTICES", raising=False)
    monkeypatch.delenv("ENCOUNTERS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    return home


@pytest.fixture
def terminal_env(isolated_home: Path) -> Iterator[dict[str, str]]:
    """The environment for a command in a pseudo-terminal (tests/terminal.py); afterwards, any child a
    failed expectation left waiting for input is ended."""
    import terminal

    yield terminal.environment()
    terminal.end_children()
