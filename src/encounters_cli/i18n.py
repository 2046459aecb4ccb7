"""Which language the content is shown in: --lang, then ENCOUNTERS_LANG, then config, then the locale."""

from __future__ import annotations

import os

LANGUAGES = ("en", "fi")


def locale_language() -> str:
    """'fi' when the locale says Finnish (fi_FI.UTF-8, fi, …), else 'en'."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fi" if value.lower().startswith("fi") else "en"
    return "en"


def resolve_language(option: str | None, configured: str | None) -> str:
    for candidate in (option, os.environ.get("ENCOUNTERS_LANG"), configured):
        if candidate:
            return candidate
    return locale_language()


Texts = dict[str, dict[str, str]]


def translate(texts: Texts, lang: str, key: str, **values: object) -> str:
    """``texts[key]`` in ``lang`` (English when that language is missing), with ``values`` filled in."""
    entry = texts[key]
    return entry.get(lang, entry["en"]).format(**values)
