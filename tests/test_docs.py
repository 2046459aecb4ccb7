"""Docs that cannot drift: every command is documented, and the README's promises hold."""

from __future__ import annotations

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

import typer

from encounters_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(command, prefix: str = "") -> list[str]:
    found = []
    for name, sub in getattr(command, "commands", {}).items():
        path = f"{prefix} {name}".strip()
        found.append(path)
        found += command_paths(sub, path)
    return found


def test_every_command_is_in_the_readme() -> None:
    commands = command_paths(typer.main.get_command(app))
    assert len(commands) >= 20
    missing = [path for path in commands if f"encounters {path}" not in README and f" {path}" not in README]
    assert missing == []


def test_quick_start_is_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "pip install" in lines[0]
    assert "encounters prepare" in lines[0]
    assert "pytest" in lines[1]


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    section = README.split("## Quick start", 1)[1]
    assert "pip install --quiet -e '.[test]'" in ci
    assert "pip install -e '.[test]'" in section
    assert ".venv/bin/python -m pytest" in ci
    assert ".venv/bin/python -m pytest" in section


def test_every_runtime_dependency_is_justified() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    table = README.split("### Dependencies and why", 1)[1]
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        name = re.split(r"[<>=;~ \[]", requirement, maxsplit=1)[0]
        assert name in table, f"{name} is not explained in the README"


def test_every_promise_names_tests_that_exist() -> None:
    section = README.split("### What the tool promises", 1)[1].split("###", 1)[0]
    named = re.findall(r"`(tests/test_[a-z_]+\.py)`", section)
    assert len(named) >= 14
    assert [path for path in named if not (ROOT / path).is_file()] == []
