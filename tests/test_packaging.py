"""The wheel carries the catalogue, and an installed copy run from elsewhere finds it inside itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
TIMEOUT = 300

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(REPOSITORY)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    [built] = outdir.glob("encounters-*.whl")
    return built


def test_the_wheel_contains_the_catalogue(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "encounters_cli/data/practices/values.yaml" in names
    assert "encounters_cli/data/practices/domains.yaml" in names
    assert "encounters_cli/data/prompts/prepare.yaml" in names
    assert "encounters_cli/data/prompts/reflect.yaml" in names
    assert "encounters_cli/data/prompts/quick.yaml" in names
    shipped = {path.name for path in (REPOSITORY / "practices").glob("*.yaml")}
    packed = {Path(name).name for name in names if name.startswith("encounters_cli/data/practices/")}
    assert packed == shipped
    assert "encounters_cli/__main__.py" in names
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "encounters = encounters_cli.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_an_installed_wheel_run_from_another_folder_finds_its_catalogue(
    wheel: Path, tmp_path: Path, isolated_home: Path
) -> None:
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)

    def encounters(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "encounters_cli", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    practices = json.loads(encounters("practices", "list", "--json"))
    assert len(practices) >= 18
    assert "explain-the-why" in [practice["id"] for practice in practices]

    listing = json.loads(encounters("paths", "--json"))
    shipped = [Path(folder) for folder in listing["shipped_catalogue"]]
    assert shipped == [
        target / "encounters_cli" / "data" / "practices",
        target / "encounters_cli" / "data" / "prompts",
    ]
    assert all(folder.is_dir() for folder in shipped)
    assert listing["data"] == str(isolated_home)

    # the installed package itself, not the checkout, answered
    located = subprocess.run(
        [sys.executable, "-c", "import encounters_cli; print(encounters_cli.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout.strip()
    assert Path(located).is_relative_to(target)
