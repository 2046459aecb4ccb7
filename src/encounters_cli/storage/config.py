"""The user's config file (TOML): content language, extra catalogue folders, keyring opt-in.

TOML because it is read on every start: the standard library parses it quickly, with no YAML import.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from encounters_cli.errors import ConfigError
from encounters_cli.storage import paths

KEYS = {
    "lang": "content language: en or fi",
    "practices": "extra catalogue folders, a list of paths",
    "keyring": "keep an encrypted journal's passphrase in the system keyring: true or false"
    " (needs the keyring package)",
    "nudge": "say so when an answer seems to identify someone, before it is saved: true (default) or false",
}


@dataclass
class Config:
    lang: str | None = None
    practices: list[Path] = field(default_factory=list)
    keyring: bool = False  # opt-in: the passphrase lives in the OS keyring (if the package is importable)
    nudge: bool = True  # check free-text answers for identifiers while writing


def _parse_toml(text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(text)


def load(path: Path | None = None) -> Config:
    path = path or paths.config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror}") from error
    try:
        raw = _parse_toml(text)
    except ValueError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix or delete the file") from error
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: {', '.join(KEYS)})")
    lang = raw.get("lang")
    if lang is not None and lang not in ("en", "fi"):
        raise ConfigError(f"{path}: lang must be 'en' or 'fi', not {lang!r}")
    practices = raw.get("practices", [])
    if isinstance(practices, str):
        practices = [practices]
    if not isinstance(practices, list) or not all(isinstance(item, str) for item in practices):
        raise ConfigError(f"{path}: practices must be a list of folder paths")
    keyring = raw.get("keyring", False)
    if not isinstance(keyring, bool):
        raise ConfigError(f"{path}: keyring must be true or false, not {keyring!r}")
    nudge = raw.get("nudge", True)
    if not isinstance(nudge, bool):
        raise ConfigError(f"{path}: nudge must be true or false, not {nudge!r}")
    base = path.parent
    return Config(
        lang=lang,
        practices=[(base / Path(item).expanduser()) for item in practices],
        keyring=keyring,
        nudge=nudge,
    )


def _toml_value(value: str | list[str]) -> str:
    # JSON strings are valid TOML basic strings for everything we store (paths, language codes).
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    return json.dumps(value)


def save(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically, readable by its owner only."""
    path = path or paths.config_path()
    paths.ensure_private_dir(path.parent)
    lines = ["# encounters configuration (see 'encounters config --help')"]
    if config.lang:
        lines.append(f"lang = {_toml_value(config.lang)}")
    if config.practices:
        lines.append(f"practices = {_toml_value([str(item) for item in config.practices])}")
    if config.keyring:
        lines.append("keyring = true")
    if not config.nudge:
        lines.append("nudge = false")
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    temporary.replace(path)
    return path
