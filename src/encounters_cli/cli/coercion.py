"""Command-line values turned into Python values without pydantic, for the common cases.

Typer 0.29 coerces every parameter it processes through a pydantic ``TypeAdapter``, built even
for an option that was not given; the first one imports pydantic and builds its core schema
machinery, about 0.2 s of CPU, more than the rest of a quick command. Our parameters are plain:
text, whole numbers, lists of text, yes/no flags, a few choices and paths. ``install`` gives each
parameter of a built command tree a coercion that handles an absent value, text, a whole number,
a list of text and a valid choice the way Typer's adapters would, and hands anything else (a
path, a malformed number, a parser, a file) to Typer's own coercion, built only then. So the
results, and every error message, are Typer's; only the cost of the common case is gone.

This uses Typer internals (``_TyperParameter._runtime_param``, ``type_descriptor``), pinned by
``typer>=0.29,<0.30`` in pyproject.toml; when they are missing nothing is installed and Typer
works as usual. ``tests/test_startup.py`` fails if a quick command imports pydantic again.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
_DELEGATE = object()  # "not a common case": Typer's own coercion decides


class QuickCoercion:
    """A parameter's coercion: the common cases here, the rest by Typer's (pydantic) runtime param."""

    def __init__(self, annotation: Any, parameter_info: Any, build_typer: Any) -> None:
        self.annotation = annotation
        self.parameter_info = parameter_info
        self._build_typer = build_typer
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:  # as Typer's RuntimeParam.coerce: nothing given
            return () if multiple else None
        quick = self._quick(value, multiple, ctx)
        if quick is not _DELEGATE:
            return quick
        if self._typer is None:
            self._typer = self._build_typer()
        return self._typer.coerce(value, param, ctx)

    def _quick(self, value: Any, multiple: bool, ctx: Any) -> Any:
        annotation, info = self.annotation, self.parameter_info
        if info.parser is not None:
            return _DELEGATE
        if multiple:
            of_text = getattr(annotation, "__origin__", None) is list and annotation.__args__ == (str,)
            if of_text and isinstance(value, (list, tuple)) and all(type(entry) is str for entry in value):
                return list(value)
            return _DELEGATE
        if annotation is str and type(value) is str:
            return value
        if annotation is int and not (info.min is not None or info.max is not None or info.clamp):
            if type(value) is int:
                return value
            if type(value) is str and _WHOLE_NUMBER.fullmatch(value):
                return int(value)
            return _DELEGATE
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return _choice(value, annotation, info, ctx)
        return _DELEGATE


def _choice(value: Any, annotation: type[Enum], info: Any, ctx: Any) -> Any:
    try:
        from typer._param_types import coerce_cli_choice

        return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
    except Exception:  # not one of the choices (or Typer moved it): Typer's own coercion words the error
        return _DELEGATE


def install(command: Any) -> None:
    """Give every Typer parameter in ``command`` and its subcommands a ``QuickCoercion``.

    The help option too: Click makes it on first use (``get_help_option``), so that is wrapped.
    """
    try:
        from typer._coercion import build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # a Typer without these internals: it coerces as it always does
        return

    def give(param: Any) -> None:
        descriptor = getattr(param, "type_descriptor", None)
        if (
            not isinstance(param, _TyperParameter)
            or descriptor is None
            or getattr(param, "_runtime_param", False) is not None  # built already, or unknown
            or getattr(descriptor, "file_annotation", None) is not None
        ):
            return
        param._runtime_param = QuickCoercion(
            descriptor.annotation,
            descriptor.parameter_info,
            lambda: build_runtime_param(descriptor),
        )

    pending = [command]
    while pending:
        current = pending.pop()
        for param in getattr(current, "params", ()):
            give(param)
        make_help_option = getattr(current, "get_help_option", None)
        if make_help_option is not None:

            def get_help_option(ctx: Any, make: Any = make_help_option) -> Any:
                option = make(ctx)
                if option is not None:
                    give(option)
                return option

            current.get_help_option = get_help_option
        pending.extend(getattr(current, "commands", {}).values())
