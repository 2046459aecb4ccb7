"""Load the layered catalogue: which files form which layer, and a warm cache in front of the YAML.

Layers, in order:

1. the shipped catalogue: the ``practices`` and ``prompts`` folders (one layer between them);
2. each extra folder (or single file) given by the caller, one layer each.

``catalogue.reader`` parses and validates the files and words every problem (file, line, column,
field); it is imported only when YAML has to be read. With a ``cache_dir`` the validated catalogue
is kept between runs (``catalogue.cache``), keyed by the content of every file, so a command on a
warm cache neither imports PyYAML nor validates anything.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from encounters_cli.catalogue.items import Catalogue

SHIPPED_FOLDERS = ("practices", "prompts")
YAML_SUFFIXES = (".yaml", ".yml")


def files(package: str) -> Path:
    """The folder of an installed package, as ``importlib.resources.files`` gives it for one on disk.

    Not importlib.resources itself: it brings zipfile and tempfile, milliseconds at every start, and
    the catalogue is read from real folders anyway (``Path(str(...))`` below).
    """
    return Path(importlib.import_module(package).__file__ or "").parent


def shipped_dirs() -> list[Path]:
    """The shipped catalogue folders: inside the installed package, else in the source checkout.

    A wheel carries them as ``encounters_cli/data/...``; an editable install runs from ``src/``
    where they are absent, so the repository's top-level folders are used instead.
    """
    package_data = files("encounters_cli") / "data"
    repository = Path(__file__).resolve().parents[3]
    found = []
    for name in SHIPPED_FOLDERS:
        packaged = Path(str(package_data / name))
        found.append(packaged if packaged.is_dir() else repository / name)
    return found


def layers_of(extra: Sequence[Path]) -> list[list[Path]]:
    """The shipped catalogue, then each of ``extra`` as a layer of its own."""
    return [shipped_dirs(), *([Path(path)] for path in extra)]


def load_catalogue(extra_dirs: Sequence[Path] = (), cache_dir: Path | None = None) -> Catalogue:
    """The shipped catalogue with each of ``extra_dirs`` layered on top, in order.

    Raises ``CatalogueError`` listing every problem in every file. The coach needs the question
    sets ``prepare``, ``reflect`` and ``quick``; their absence is a problem here (not in
    ``check_paths``, since a pack need not define them).

    With ``cache_dir`` a catalogue validated before from files with exactly the same content is
    served from there; otherwise the files are read and, when valid, the result is stored.
    """
    layers = layers_of(extra_dirs)
    key = None
    if cache_dir is not None:
        from encounters_cli.catalogue import cache

        key = cache.key_of(layers)
        cached = cache.read(cache_dir, key) if key else None
        if cached is not None:
            return cached
    from encounters_cli.catalogue.reader import read_catalogue

    catalogue = read_catalogue(layers)
    if cache_dir is not None and key and cache.key_of(layers) == key:  # not changed while being read
        cache.write(cache_dir, key, catalogue)
    return catalogue


def check_paths(paths: Sequence[Path]) -> list[str]:
    """Every problem in ``paths`` (files or folders), each a layer on top of the shipped catalogue.

    The shipped catalogue is loaded underneath so a pack can refer to shipped values and domains.
    Each path is its own layer, exactly as if it were configured as an extra folder, so a clean
    report here means ``load_catalogue`` with the same folders will accept them. Empty = valid.
    Never cached: a check is asked for to read the files.
    """
    from encounters_cli.catalogue.reader import find_problems

    return find_problems(layers_of(paths))
