"""Read catalogue YAML, validate it, and report every problem with file, line, column and field.

``catalogue.loader`` decides which files form which layer (and serves a warm cache); this module
parses and validates them. Within one layer an id may appear only once per kind (values, domains,
practices, question sets), even across files; a repeat is an error naming both places. A later
layer may reuse an id from an earlier one: its item *replaces* the earlier one and keeps the
earlier one's place in the ordering (so an organisation can reword a shipped practice); a new id
*extends* the catalogue. References (a practice's ``values`` and ``domains``, a question's
``rates``) are checked against the combined catalogue after all layers are read.

Nothing stops at the first problem: each file is validated in full, items that are broken are left
out of the combined catalogue (and their ids still count as known, so one typo does not cascade
into a dozen "unknown id" reports), and every problem is collected. Each problem is one line:

    FILE:LINE:COL: FIELD.PATH: what is wrong (what was expected)

Line and column come from the YAML node tree (``yaml.compose``), walked along the pydantic error
``loc``; when the field is missing the nearest enclosing node is used.
"""

from __future__ import annotations

import difflib
import hashlib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from encounters_cli import safe_yaml
from encounters_cli.catalogue.items import from_model
from encounters_cli.catalogue.loader import YAML_SUFFIXES
from encounters_cli.catalogue.models import (
    KIND_MODELS,
    KIND_NAMES,
    KINDS,
    REQUIRED_QUESTION_SETS,
    Catalogue,
    CatalogueFile,
    Localized,
    Practice,
    Question,
)
from encounters_cli.errors import CatalogueError

MAX_LISTED = 12


def read_catalogue(layers: Sequence[Sequence[Path]]) -> Catalogue:
    """The combined catalogue of ``layers`` (each a list of folders or files), or every problem.

    Raises ``CatalogueError`` listing every problem in every file, including a missing question
    set that the coach needs (``prepare``, ``reflect``, ``quick``).
    """
    reader = _Reader()
    reader.read_layers(layers)
    reader.check_required_sets()
    if reader.problems:
        raise CatalogueError(reader.sorted_problems())
    return reader.catalogue()


def find_problems(layers: Sequence[Sequence[Path]]) -> list[str]:
    """Every problem in ``layers``, sorted by load order and position; empty when they are valid."""
    reader = _Reader()
    reader.read_layers(layers)
    return reader.sorted_problems()


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Source:
    """One file read, with its node tree for locating problems found later (cross-references)."""

    path: Path
    display: str
    order: int
    root: yaml.Node | None = None


@dataclass
class _Entry:
    kind: str
    model: Any
    source: _Source
    index: int  # position in the file's list of this kind

    @property
    def id(self) -> str:
        return str(self.model.id)


_Wording = Callable[[list[str | int], "yaml.Node | None"], str]


@dataclass(order=True)
class _Problem:
    order: int
    line: int
    column: int
    sequence: int
    text: str = field(compare=False)


class _Reader:
    """Collects sources, entries and problems across all layers of one load."""

    def __init__(self) -> None:
        self.problems: list[_Problem] = []
        self.sources: list[_Source] = []
        self.digest = hashlib.sha256()
        self.combined: dict[str, dict[str, _Entry]] = {kind: {} for kind in KINDS}
        self.broken: dict[str, set[str]] = {kind: set() for kind in KINDS}
        # practices that failed validation, kept raw so their references are still checked
        self.broken_practices: list[tuple[_Source, int, dict[str, Any]]] = []
        self.fallback_display = ""

    # problems

    def add(self, source: _Source | None, line: int, column: int, path: str, message: str) -> None:
        where = (
            f"{source.display}:{line}:{column}: "
            if source
            else (f"{self.fallback_display}: " if self.fallback_display else "")
        )
        text = _one_line(f"{where}{path + ': ' if path else ''}{message}")
        order = source.order if source else len(self.sources) + 1
        self.problems.append(_Problem(order, line, column, len(self.problems), text))

    def add_at(self, source: _Source, loc: Sequence[str | int], message: str | _Wording) -> None:
        """Locate ``loc`` in the source's node tree; a callable ``message(path, node)`` words it there."""
        node, key_node, parts = _locate(source.root, loc)
        if callable(message):
            message = message(parts, node)
        mark_node = key_node if key_node is not None and _points_at_key(message) else node
        line, column = _position(mark_node)
        self.add(source, line, column, _format_path(parts), message)

    def sorted_problems(self) -> list[str]:
        return [problem.text for problem in sorted(self.problems)]

    # layers and files

    def read_layers(self, layers: Sequence[Sequence[Path]]) -> None:
        for layer in layers:
            self.read_layer(layer)
        if layers and layers[0]:
            self.fallback_display = _display(layers[0][-1])
        self.check_references()

    def read_layer(self, targets: Sequence[Path]) -> None:
        seen: dict[str, dict[str, _Entry]] = {kind: {} for kind in KINDS}
        layer_entries: list[_Entry] = []
        for target in targets:
            for path in self.files_of(target):
                for entry in self.read_file(path):
                    earlier = seen[entry.kind].get(entry.id)
                    if earlier is not None:
                        self.add_at(
                            entry.source,
                            (entry.kind, entry.index, "id"),
                            f"duplicate {KIND_NAMES[entry.kind]} id {entry.id!r}"
                            f" (already defined at {_where(earlier)})",
                        )
                        continue
                    seen[entry.kind][entry.id] = entry
                    layer_entries.append(entry)
        for entry in layer_entries:
            # assigning to an existing key keeps its position: a replacement stays where it was
            self.combined[entry.kind][entry.id] = entry

    def files_of(self, target: Path) -> list[Path]:
        if target.is_dir():
            found = []
            for path in target.rglob("*"):
                # hidden folders (.git, .github) hold YAML that is not catalogue content
                if any(part.startswith(".") for part in path.relative_to(target).parts):
                    continue
                wanted = path.suffix.lower() in YAML_SUFFIXES
                if path.is_symlink() and (wanted or path.is_dir()) and not self.link_stays_in(path, target):
                    continue
                if wanted and path.is_file():
                    found.append(path)
            return sorted(found, key=lambda path: path.relative_to(target).as_posix())
        if target.is_file():
            return [target]
        # sorts just before the files read after it, so the report follows the load order
        message = f"{_display(target)}: no such file or folder"
        self.problems.append(_Problem(len(self.sources), 0, 0, len(self.problems), message))
        return []

    def link_stays_in(self, link: Path, folder: Path) -> bool:
        """A pack reads its own folder only: a link leading out of it is a problem, and is not read."""
        try:
            destination = link.resolve()
            if destination.is_relative_to(folder.resolve()):
                return True
            reason = f"it leads to {destination}, outside {_display(folder)}"
        except (OSError, RuntimeError):  # a link that loops
            reason = "it cannot be followed"
        message = (
            f"{_display(link)}: link not read: {reason} (a pack reads only its own folder;"
            " copy the file in, or add the other folder as a pack of its own)"
        )
        self.problems.append(_Problem(len(self.sources), 0, 0, len(self.problems), message))
        return False

    def read_file(self, path: Path) -> list[_Entry]:
        source = _Source(path=path, display=_display(path), order=len(self.sources))
        self.sources.append(source)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.add(source, 1, 1, "", f"cannot read the file ({exc.strerror or exc})")
            return []
        self.digest.update(len(raw).to_bytes(8, "big"))
        self.digest.update(raw)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.add(source, 1, 1, "", f"the file is not UTF-8 text (byte {exc.start}; save it as UTF-8)")
            return []
        try:  # parsed once: the node tree locates problems, the data built from it is validated
            source.root = safe_yaml.compose(text)
            data = None if source.root is None else safe_yaml.construct(source.root)
        except yaml.YAMLError as exc:
            line, column, message = _yaml_error(exc)
            self.add(source, line, column, "", message)
            return []
        expected = "expected a mapping with one or more of: " + ", ".join(KINDS)
        if source.root is None or data is None:
            self.add(source, 1, 1, "", f"the file is empty ({expected})")
            return []
        if not isinstance(data, dict):
            line, column = _position(source.root)
            self.add(source, line, column, "", f"{expected} (got {_describe(data, source.root)})")
            return []
        self.check_duplicate_keys(source, source.root, [])
        return self.validate(source, data)

    def check_duplicate_keys(self, source: _Source, node: yaml.Node, parts: list[str | int]) -> None:
        """YAML quietly keeps the last of two equal keys; an author almost never means that."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    line, column = _position(key_node)
                    first_line, _ = _position(seen[key])
                    self.add(
                        source,
                        line,
                        column,
                        _format_path([*parts, key]),
                        f"the key {key!r} appears twice in one mapping (first at line {first_line})",
                    )
                elif key is not None:
                    seen[key] = key_node
                self.check_duplicate_keys(source, value_node, [*parts, key if key is not None else "?"])
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.check_duplicate_keys(source, item, [*parts, index])

    def validate(self, source: _Source, data: dict[str, Any]) -> list[_Entry]:
        try:
            parsed = CatalogueFile.model_validate(data)
        except ValidationError as exc:
            return self.salvage(source, data, exc)
        return [
            _Entry(kind, model, source, index)
            for kind in KINDS
            for index, model in enumerate(getattr(parsed, kind))
        ]

    def salvage(self, source: _Source, data: dict[str, Any], exc: ValidationError) -> list[_Entry]:
        """Report every error, then keep the file's items that are valid on their own."""
        failed: dict[str, set[int]] = {kind: set() for kind in KINDS}
        whole_kind_failed: set[str] = set()
        for error in exc.errors():
            loc = tuple(error["loc"]) + tuple((error.get("ctx") or {}).get("at", ()))
            self.add_at(source, loc, lambda parts, node, error=error: _humanize(error, parts, node))
            if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in failed:
                failed[str(loc[0])].add(loc[1])
            elif loc:
                whole_kind_failed.add(str(loc[0]))
        entries: list[_Entry] = []
        for kind in KINDS:
            items = data.get(kind)
            if kind in whole_kind_failed or not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if index in failed[kind]:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        self.broken[kind].add(item["id"])
                    if kind == "practices" and isinstance(item, dict):
                        self.broken_practices.append((source, index, item))
                    continue
                entries.append(_Entry(kind, KIND_MODELS[kind].model_validate(item), source, index))
        return entries

    # checks on the combined catalogue

    def check_references(self) -> None:
        for entry in self.combined["practices"].values():
            practice: Practice = entry.model
            self.check_practice_references(entry.source, entry.index, practice.values, practice.domains)
            for phase in ("before", "after"):
                self.check_rates(entry, (phase,), getattr(practice, phase))
        for source, index, raw in self.broken_practices:
            self.check_practice_references(source, index, raw.get("values"), raw.get("domains"))
        for entry in self.combined["question_sets"].values():
            self.check_rates(entry, ("questions",), entry.model.questions)

    def check_practice_references(self, source: _Source, index: int, value_ids: Any, domain_ids: Any) -> None:
        """Unknown value and domain ids of one practice (raw lists too, for a practice that failed)."""
        values = self.combined["values"]
        domains = self.combined["domains"]
        for position, value_id in enumerate(value_ids if isinstance(value_ids, list) else []):
            if isinstance(value_id, str) and value_id not in values and value_id not in self.broken["values"]:
                self.add_at(
                    source,
                    ("practices", index, "values", position),
                    f"unknown value id {value_id!r} ({_expected(values)})",
                )
        for position, domain_id in enumerate(domain_ids if isinstance(domain_ids, list) else []):
            if (
                isinstance(domain_id, str)
                and domain_id not in domains
                and domain_id not in self.broken["domains"]
            ):
                self.add_at(
                    source,
                    ("practices", index, "domains", position),
                    f"unknown domain id {domain_id!r} ({_expected(domains, extra='all')})",
                )

    def check_rates(self, entry: _Entry, field_loc: tuple[str, ...], questions: list[Question]) -> None:
        values = self.combined["values"]
        for index, question in enumerate(questions):
            rates = question.rates
            if rates and rates not in values and rates not in self.broken["values"]:
                self.add_at(
                    entry.source,
                    (entry.kind, entry.index, *field_loc, index, "rates"),
                    f"unknown value id {rates!r} ({_expected(values)})",
                )

    def check_required_sets(self) -> None:
        sets = self.combined["question_sets"]
        for set_id in REQUIRED_QUESTION_SETS:
            if set_id not in sets and set_id not in self.broken["question_sets"]:
                self.add(
                    None,
                    0,
                    0,
                    "question_sets",
                    f"missing question set {set_id!r} (the coach needs: {', '.join(REQUIRED_QUESTION_SETS)})",
                )

    def catalogue(self) -> Catalogue:
        """The combined catalogue, its validated models turned into plain items (``catalogue.items``)."""
        models = {
            kind: {item_id: from_model(entry.model) for item_id, entry in self.combined[kind].items()}
            for kind in KINDS
        }
        return Catalogue(
            values=models["values"],
            domains=models["domains"],
            practices=models["practices"],
            question_sets=models["question_sets"],
            version="cat-" + self.digest.hexdigest()[:12],
            sources=[source.path for source in self.sources],
        )


# --- locating --------------------------------------------------------------------------------


def _locate(
    root: yaml.Node | None, loc: Sequence[str | int]
) -> tuple[yaml.Node | None, yaml.Node | None, list[str | int]]:
    """Walk ``loc`` down the node tree: (deepest node reached, its key node, cleaned path).

    Pydantic puts names into ``loc`` that are not in the file: a union member's tag (under a
    sequence or scalar) and ``[key]`` for a bad mapping key; both are dropped from the path.
    """
    node, key_node, parts = root, None, []
    lost = root is None
    for element in loc:
        if element == "[key]":
            if not lost and key_node is not None:
                node = key_node
            continue
        if lost:
            parts.append(element)
            continue
        if isinstance(node, yaml.MappingNode):
            match = None
            for candidate_key, candidate_value in node.value:
                if isinstance(candidate_key, yaml.ScalarNode) and candidate_key.value == str(element):
                    match = (candidate_key, candidate_value)  # the last one wins, as when loading
            parts.append(str(element))  # a mapping key, even a number (anchors.5), is not an index
            if match is None:
                lost = True  # a missing field: stay on the enclosing mapping
            else:
                key_node, node = match
        elif isinstance(node, yaml.SequenceNode):
            if isinstance(element, str):
                continue  # union tag
            parts.append(element)
            if 0 <= element < len(node.value):
                node, key_node = node.value[element], None
            else:
                lost = True
        else:
            if isinstance(element, str):
                continue  # union tag on a scalar
            parts.append(element)
            lost = True
    return node, key_node, parts


def _points_at_key(message: str) -> bool:
    return message.startswith(("unknown field", "unknown top-level key", "anchor "))


def _position(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def _format_path(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _where(entry: _Entry) -> str:
    node, _, _ = _locate(entry.source.root, (entry.kind, entry.index, "id"))
    line, column = _position(node)
    return f"{entry.source.display}:{line}:{column}"


def _display(path: Path) -> str:
    """Paths as the user would type them: relative to the working folder when inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def _yaml_error(exc: yaml.YAMLError) -> tuple[int, int, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        message = f"invalid YAML: {problem}"
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None and (mark is None or context_mark.line != mark.line):
            message += f" ({context} at line {context_mark.line + 1})"
        elif context:
            message += f" ({context})"
    else:
        message = f"invalid YAML: {exc}"
    if mark is None:
        return 1, 1, message
    return mark.line + 1, mark.column + 1, message


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", "")


# --- wording ---------------------------------------------------------------------------------


def _expected(known: dict[str, Any] | Sequence[str], extra: str | None = None) -> str:
    ids = [*([extra] if extra else []), *known]
    if not ids:
        return "the catalogue defines none"
    shown = ", ".join(ids[:MAX_LISTED])
    return f"expected one of: {shown}{', …' if len(ids) > MAX_LISTED else ''}"


def _describe(value: Any, node: yaml.Node | None = None) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{_source_text(node, str(value).lower())}, which YAML reads as {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{_source_text(node, str(value))} (read by YAML as a {type(value).__name__})"


def _source_text(node: yaml.Node | None, default: str) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else default


def _unwrap(annotation: Any) -> Any:
    """The type inside Annotated[...] and X | None, as far as it is unambiguous."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def annotation_at(root: Any, parts: Sequence[str | int], tags: Mapping[str, Any] | None = None) -> Any:
    """The declared type at an error path below the model ``root``, for naming allowed fields and values.

    ``tags``: union tags that pydantic puts into raw error locations, each naming the model it selects
    (the workshop loader's steps); a tag in ``parts`` switches to that model.
    """
    annotation: Any = root
    for part in parts:
        if tags and isinstance(part, str) and part in tags:
            annotation = tags[part]
            continue
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not isinstance(part, str) or part not in annotation.model_fields:
                return None
            annotation = annotation.model_fields[part].annotation
        elif typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        else:
            return None
    return _unwrap(annotation)


def model_fields_at(
    root: Any, parts: Sequence[str | int], tags: Mapping[str, Any] | None = None
) -> list[str]:
    """The fields of the model at ``parts`` below ``root`` (see ``annotation_at``), or none."""
    annotation = annotation_at(root, parts, tags)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _humanize(error: Any, parts: list[str | int], node: yaml.Node | None) -> str:
    """One pydantic error in words an author of YAML understands, with what was expected."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = parts[-1] if parts else ""
    got = _describe(value, node)
    if kind == "catalogue":
        return str(error["msg"])
    if kind == "missing":
        if name in ("en", "fi"):
            return f"missing {'English' if name == 'en' else 'Finnish'} translation"
        return f"missing required field {name!r}"
    if kind == "extra_forbidden":
        allowed = model_fields_at(CatalogueFile, parts[:-1])
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        what = "top-level key" if len(parts) == 1 else "field"
        return f"unknown {what} {name!r} ({hint}expected one of: {', '.join(allowed)})"
    if kind == "literal_error":
        allowed_values = typing.get_args(annotation_at(CatalogueFile, parts))
        expected = ", ".join(map(str, allowed_values)) if allowed_values else ctx.get("expected", "")
        return f"unknown {name} {value!r} (expected one of: {expected})"
    if kind == "string_type":
        quotable = value is not None and not isinstance(value, (list, dict))
        hint = " (put the text in quotes)" if quotable else ""
        return f"expected text, got {got}{hint}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if parts and error["loc"][-1] == "[key]":
            return f"anchor keys must be whole numbers, got {got}"
        return f"expected a whole number, got {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got}"
    if kind == "list_type":
        return f"expected a list, got {got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if annotation_at(CatalogueFile, parts) is Localized:
            return f"expected a mapping with 'en' and 'fi' translations, got {got}"
        fields = model_fields_at(CatalogueFile, parts)
        return f"expected a mapping{' with ' + ', '.join(fields) if fields else ''}, got {got}"
    if kind == "too_short":
        minimum = ctx.get("min_length")
        return f"too few items: {ctx.get('actual_length')} (expected at least {minimum})"
    if kind == "too_long":
        maximum = ctx.get("max_length")
        return f"too many items: {ctx.get('actual_length')} (expected at most {maximum})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    message = str(error["msg"])
    return message[:1].lower() + message[1:]
