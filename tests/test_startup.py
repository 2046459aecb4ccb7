"""Start-up stays lean: each command loads only the heavy modules it uses (issue 7).

Each check runs the real CLI in a fresh interpreter and looks at ``sys.modules`` afterwards, so
an import anywhere on the way counts. What Typer 0.29 itself loads: at import neither Rich nor
pydantic; Rich when it renders help (``typer.rich_utils``); pydantic when it coerces a value
(``typer._adapters``), which ``cli/coercion.py`` avoids for our plain parameters. So ``--help``
may load Rich and nothing else heavy, and no command may load pydantic or PyYAML on a warm
catalogue cache. No timings here: speed is measured by benchmarks/run.py.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command_name
from typer.testing import CliRunner

from encounters_cli.cli import coercion
from encounters_cli.cli.app import app

# Runs the CLI as the console script does, then prints which modules were loaded.
WRAPPER = """
import json, sys
sys.argv = ["encounters", *sys.argv[1:]]
from encounters_cli.cli import main
try:
    main()
except SystemExit:
    pass
sys.__stdout__.write("\\n@@modules " + json.dumps(sorted(sys.modules)) + "\\n")
"""
HEAVY = ("rich", "yaml", "pydantic", "pydantic_core")
CATALOGUE_READING = (
    "encounters_cli.catalogue.models",
    "encounters_cli.catalogue.reader",
    "encounters_cli.safe_yaml",
)
# what loading the catalogue from a warm cache takes
CATALOGUE_LOADING = [
    "encounters_cli.catalogue",
    "encounters_cli.catalogue.cache",
    "encounters_cli.catalogue.items",
    "encounters_cli.catalogue.loader",
]


def loaded(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    marker = result.stdout.rfind("@@modules ")
    assert marker >= 0, result.stderr
    return set(json.loads(result.stdout[marker + len("@@modules ") :]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if name.split(".")[0] in HEAVY or name in CATALOGUE_READING or name.startswith(CATALOGUE_LOADING[0])
    )


def test_version_loads_nothing_heavy() -> None:
    modules = loaded("--version")
    assert heavy(modules) == []
    assert [name for name in modules if name.endswith("_commands")] == []  # nor any command's module


def test_help_loads_rich_for_typer_and_nothing_else_heavy() -> None:
    modules = loaded("--help")
    assert "rich" in modules  # Typer renders help with Rich
    assert [name for name in heavy(modules) if not name.startswith("rich")] == []


@pytest.fixture
def warm(isolated_home: Path) -> Path:
    """A journal with one entry, and a warm catalogue cache (the first run wrote it)."""
    modules = loaded("log", "a synthetic first note")
    assert "encounters_cli.catalogue.reader" in modules  # cold: the YAML was read
    assert (isolated_home / "cache" / "catalogue.pickle").exists()
    return isolated_home


def test_log_on_a_warm_cache_reads_no_yaml_and_loads_nothing_heavy(warm: Path) -> None:
    modules = loaded("log", "a synthetic second note")
    assert heavy(modules) == CATALOGUE_LOADING


@pytest.mark.parametrize(
    "args",
    [
        ["list", "-n", "20"],
        ["list", "--value", "trust", "-n", "20"],
        ["search", "synthetic", "-n", "20"],
        ["insights"],
    ],
)
def test_reading_commands_on_a_warm_cache_load_no_pydantic_or_yaml(warm: Path, args: list[str]) -> None:
    modules = loaded(*args)
    assert [name for name in heavy(modules) if not name.startswith("rich")] == CATALOGUE_LOADING


def test_an_export_in_a_script_loads_nothing_heavy(warm: Path) -> None:
    # its messages go to a stderr that is not a terminal as plain lines (render.note), and --jobs,
    # a number with a floor, is checked by us rather than by Typer's range (pydantic)
    modules = loaded("export", "-f", "jsonl", "--jobs", "2", "--out", "-")
    assert heavy(modules) == CATALOGUE_LOADING


def test_a_command_imports_only_its_own_module(warm: Path) -> None:
    # importing and registering every command module takes ~10 ms (cli/app.py MODULE_OF)
    modules = loaded("list", "-n", "20")
    assert [name for name in modules if name.endswith("_commands")] == ["encounters_cli.cli.journal_commands"]


def test_every_command_is_mapped_to_the_module_that_registers_it() -> None:
    from encounters_cli.cli.app import COMMAND_MODULES, MODULE_OF

    registered = {}
    for module in COMMAND_MODULES:
        scratch = typer.Typer()
        importlib.import_module(f"encounters_cli.cli.{module}").register(scratch)
        names = [info.name for info in scratch.registered_groups]
        for info in scratch.registered_commands:
            names.append(info.name or get_command_name(info.callback.__name__))
        registered.update(dict.fromkeys(names, module))
    assert registered == MODULE_OF


def test_search_draws_no_table_and_the_catalogue_cache_loads_no_openssl(warm: Path) -> None:
    modules = loaded("search", "synthetic", "-n", "20")
    assert "rich.table" not in modules
    assert "fractions" not in modules  # rich.table's ratios bring it
    script = (
        "import sys; from encounters_cli.catalogue.loader import load_catalogue;"
        "from encounters_cli.storage.paths import cache_dir;"
        "load_catalogue(cache_dir=cache_dir()); print(sorted(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "hashlib" not in result.stdout  # neither hashlib nor _hashlib: OpenSSL takes ~5 ms to load


def test_the_root_help_is_the_same_as_with_every_command_built() -> None:
    # `encounters --help` builds each command from its name and help only (cli/app.py); Typer's own
    # call builds them all, parameters included. The listing must not differ by a character.
    env = {"COLUMNS": "100", "TERM": "dumb"}
    lean = subprocess.run(
        [sys.executable, "-c", WRAPPER, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    full = subprocess.run(
        [
            sys.executable,
            "-c",
            "import typer; from encounters_cli.cli.app import app; "
            "typer.Typer.__call__(app, args=['--help'], prog_name='encounters')",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert lean.stdout.split("\n@@modules")[0].strip() == full.stdout.strip()
    assert "log" in full.stdout


# Command lines whose values must come out exactly as Typer's own coercion gives them, errors too.
COMMAND_LINES = [
    ["list", "-n", "3"],
    ["list", "-n", "x"],
    ["list", "-n", "-2"],
    ["list", "-n", "2.5"],
    ["list", "-n", " 4"],
    ["list", "--value", "trust", "--value", "justice"],
    ["list", "--value", "nonsense"],
    ["--lang", "fi", "list"],
    ["--lang", "FI", "list"],
    ["--lang", "sv", "list"],
    ["--journal", "elsewhere.sqlite3", "list"],
    ["log", "--value", "trust", "--domain", "school", "a synthetic note"],
    ["log", "--label", "", "a synthetic note"],
    ["search", "synthetic", "-n", "0"],
    ["questions", "quick", "--json"],
]


def test_values_are_coerced_exactly_as_typer_does(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = CliRunner()

    def outcomes(run: str) -> list[tuple[int, str]]:
        folder = tmp_path / run  # the same fresh journal and working folder for both runs
        folder.mkdir()
        monkeypatch.chdir(folder)
        monkeypatch.setenv("ENCOUNTERS_HOME", str(folder / "home"))
        found = []
        for args in COMMAND_LINES:
            result = runner.invoke(app, args)
            text = re.sub(r"[0-9a-f]{8,}", "<id>", result.stdout + result.stderr)
            found.append((result.exit_code, re.sub(r"[0-9]", "0", text)))  # ids and times differ
        return found

    quick = outcomes("quick")
    monkeypatch.setattr(coercion, "install", lambda command: None)  # Typer's own coercion only
    assert outcomes("typer") == quick


def test_quick_coercion_is_installed_on_every_parameter() -> None:
    command = typer.main.get_command(app)
    coercion.install(command)
    pending, seen = [command], 0
    while pending:
        current = pending.pop()
        for param in current.params:
            assert isinstance(param._runtime_param, coercion.QuickCoercion), (current.name, param.name)
            seen += 1
        pending.extend(getattr(current, "commands", {}).values())
    assert seen > 100


def test_listing_loads_no_openssl(warm: Path) -> None:
    # hashlib loads OpenSSL (~5 ms): the journal makes its one random secret with secrets only when asked
    for args in (["list", "-n", "20"], ["search", "synthetic", "-n", "20"]):
        assert "_hashlib" not in loaded(*args), args
