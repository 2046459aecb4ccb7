"""Commented starting scripts for ``encounters workshop new``: ``<template>.<lang>.yaml`` beside this file."""

from __future__ import annotations

from importlib.resources import files

TEMPLATES = ("short", "team-day")


def template_text(name: str, lang: str) -> str:
    """The starting script ``name`` in ``lang`` (en or fi), as written (comments and all)."""
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r} (expected one of: {', '.join(TEMPLATES)})")
    code = "fi" if lang == "fi" else "en"
    return (files(__name__) / f"{name}.{code}.yaml").read_text(encoding="utf-8")
