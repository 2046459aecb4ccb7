"""The validated catalogue kept between runs, so most commands never parse or validate YAML.

The key is a BLAKE2b digest (32 bytes) over everything the result depends on: every catalogue
file's path and bytes, layer by layer (reading ~25 small files costs about a millisecond), the
tool's version and the source of the modules that define, validate and convert the items. Any
change to a file, a file added or removed, or a new version of the code gives a new key, and the
stale entry is replaced. BLAKE2b rather than SHA-256: CPython builds it in, while hashlib's SHA-256
loads OpenSSL, about 5 ms at every start.

The entry is a pickle of the ``Catalogue`` of plain items (``catalogue.items``): restoring it
imports neither PyYAML nor pydantic. It is written 0600 in a 0700 folder and read only when it is
a regular file of the current user that no one else can write, since unpickling runs code. A
missing, foreign, corrupt or unreadable entry is ignored and rebuilt; one that cannot be written
is skipped: the cache makes start-up fast, it is never needed to be correct.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from encounters_cli import __version__
from encounters_cli.catalogue.loader import YAML_SUFFIXES

try:  # hashlib itself imports _hashlib (OpenSSL) before it offers blake2b
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b

if TYPE_CHECKING:
    from encounters_cli.catalogue.items import Catalogue

CACHE_NAME = "catalogue.pickle"
MAGIC = b"encounters catalogue cache 1\n"
# the code whose change can change what a file validates to, or how a Catalogue pickles
_CODE = ("items.py", "models.py", "reader.py", "loader.py", "cache.py")


def key_of(layers: Sequence[Sequence[Path]]) -> str | None:
    """The key for these layers, or None when a file cannot be read (the reader will say why)."""
    digest = blake2b(digest_size=32)
    digest.update(f"{__version__}\0{sys.version_info[:2]}\0".encode())
    here = Path(__file__).parent
    try:
        for name in _CODE:
            _add(digest, here / name)
        for number, layer in enumerate(layers):
            digest.update(f"\0layer {number}\0".encode())
            for target in layer:
                found = _files_of(target)
                if found is None:
                    return None
                for path in found:
                    _add(digest, path)
    except OSError:
        return None
    return digest.hexdigest()


def _add(digest: blake2b, path: Path) -> None:
    data = path.read_bytes()
    name = os.fsencode(path)
    digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big"))
    digest.update(data)


def _files_of(target: Path) -> list[Path] | None:
    """Every file the reader could read in ``target``: the same walk, without its link checks.

    A superset is enough for a key: a link the reader refuses is a problem, and a catalogue with a
    problem is never stored. None when the target is missing (also a problem for the reader).
    """
    if target.is_dir():
        found = [
            path
            for path in target.rglob("*")
            if path.suffix.lower() in YAML_SUFFIXES
            and not any(part.startswith(".") for part in path.relative_to(target).parts)
            and path.is_file()
        ]
        return sorted(found, key=lambda path: path.relative_to(target).as_posix())
    if target.is_file():
        return [target]
    return None


def read(cache_dir: Path, key: str) -> Catalogue | None:
    """The catalogue stored under ``key``, or None (absent, stale, foreign, corrupt, unreadable)."""
    path = cache_dir / CACHE_NAME
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _trusted(info):
                return None
            data = handle.read()
    except OSError:
        return None
    header = MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    try:
        catalogue = pickle.loads(data[len(header) :])
    except Exception:  # a damaged file can fail in many ways; every one means "rebuild"
        return None
    from encounters_cli.catalogue.items import Catalogue

    return catalogue if isinstance(catalogue, Catalogue) else None


def _trusted(info: os.stat_result) -> bool:
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def write(cache_dir: Path, key: str, catalogue: Catalogue) -> None:
    """Store ``catalogue`` under ``key`` atomically (0600); quietly skipped when that fails."""
    from encounters_cli.storage.paths import ensure_private_dir

    path = cache_dir / CACHE_NAME
    data = MAGIC + key.encode() + b"\n" + pickle.dumps(catalogue, protocol=5)
    temp = path.with_name(f".{CACHE_NAME}.{os.getpid()}.tmp")
    try:
        ensure_private_dir(cache_dir)
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()  # left by a run that was killed: O_EXCL below must create it afresh, 0600
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temp.replace(path)
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            temp.unlink()
