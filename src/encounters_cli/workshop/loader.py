"""Read a workshop script, check it against the catalogue, and report every problem with its place.

The same reporting as the catalogue checker (``catalogue/loader.py``), whose machinery this uses:
the file is read by ``safe_yaml`` (the only YAML reader; bounded in depth and aliases), parsed once
into a node tree that locates problems and the data that is validated, and each problem is one line

    FILE:LINE:COL: step 'pair-talk': timer.label: what is wrong (what was expected)

with the step named by its id when the problem is inside a step. Nothing stops at the first
problem: the model's errors, duplicate step and question ids, and every id the steps refer to that
the catalogue lacks (practices, values, question sets and their questions, domains) are all
collected. The references are checked on the raw data, so a step that is broken in one way still
has its ids checked.

Packs named in the script (``packs: [team-practices]``, relative to the script) are layered on top
of the shipped catalogue and the user's own packs, exactly as ``load_catalogue(extra_dirs)``
layers them, and checked with the catalogue's own checker; their problems are reported after the
script's.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from encounters_cli import safe_yaml
from encounters_cli.catalogue.loader import shipped_dirs
from encounters_cli.catalogue.models import KIND_NAMES
from encounters_cli.catalogue.reader import (
    _describe,
    _display,
    _expected,
    _format_path,
    _humanize,
    _locate,
    _points_at_key,
    _position,
    _Reader,
    _Source,
    _yaml_error,
    annotation_at,
    model_fields_at,
)
from encounters_cli.errors import EncountersError
from encounters_cli.workshop.models import STEP_KINDS, TAGS, Workshop, validate_workshop

if typing.TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue

# A long team day is a few hundred lines; a megabyte is no script anyone writes by hand.
MAX_SCRIPT_BYTES = 1_000_000
PHASE_OF_SET = {"prepare": "before", "reflect": "after", "quick": "quick"}


class WorkshopError(EncountersError):
    """The script (or a pack beside it) has problems; ``problems`` lists each located one."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        count = len(problems)
        head = problems[0] if problems else f"{_display(path)}: invalid workshop script"
        more = (
            f" (and {count - 1} more problem{'s' if count > 2 else ''};"
            f" run 'encounters workshop check {_display(path)}')"
            if count > 1
            else ""
        )
        super().__init__(head + more)
        self.problems = problems


@dataclass
class LoadedWorkshop:
    """A valid script with the catalogue its steps refer to (shipped + user packs + its own packs)."""

    workshop: Workshop
    path: Path
    catalogue: Catalogue
    packs: list[Path] = field(default_factory=list)


def load_workshop(path: Path, extra_dirs: Sequence[Path] = ()) -> LoadedWorkshop:
    """The script at ``path``, checked; ``WorkshopError`` listing every problem otherwise."""
    loaded, problems = read_workshop(path, extra_dirs)
    if loaded is None:
        raise WorkshopError(Path(path), problems)
    return loaded


def check_workshop(path: Path, extra_dirs: Sequence[Path] = ()) -> list[str]:
    """Every problem of the script at ``path`` and of the packs it names; empty when it is valid."""
    return read_workshop(path, extra_dirs)[1]


def read_workshop(path: Path, extra_dirs: Sequence[Path] = ()) -> tuple[LoadedWorkshop | None, list[str]]:
    """The script (None when it has problems) and every problem, in one reading."""
    check = _Check(Path(path), extra_dirs)
    check.run()
    problems = check.problems()
    if problems or check.workshop is None or check.catalogue is None:
        return None, problems
    return LoadedWorkshop(check.workshop, Path(path), check.catalogue, check.pack_paths), []


# --- the check ---------------------------------------------------------------------------------------


class _Check:
    def __init__(self, path: Path, extra_dirs: Sequence[Path]) -> None:
        self.path = path
        self.extra_dirs = [Path(folder) for folder in extra_dirs]
        self.reader = _Reader()  # collects and sorts the script's problems
        self.source = _Source(path=path, display=_display(path), order=0)
        self.reader.sources.append(self.source)
        self.catalogue_reader: _Reader | None = None
        self.data: dict[str, Any] = {}
        self.workshop: Workshop | None = None
        self.catalogue: Catalogue | None = None
        self.pack_paths: list[Path] = []

    def problems(self) -> list[str]:
        pack_problems = self.catalogue_reader.sorted_problems() if self.catalogue_reader else []
        return self.reader.sorted_problems() + pack_problems

    def run(self) -> None:
        data = self.read()
        if data is None:
            return
        self.data = data
        self.check_duplicate_keys(self.source.root, [])
        self.load_catalogue(data.get("packs"))
        try:
            self.workshop = validate_workshop(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"]) + tuple((error.get("ctx") or {}).get("at", ()))
                self.add_at(loc, lambda parts, node, error=error, loc=loc: _wording(error, loc, parts, node))
        self.check_references()

    # reading

    def read(self) -> dict[str, Any] | None:
        source = self.source
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_SCRIPT_BYTES + 1)
        except FileNotFoundError:
            self.reader.add(None, 0, 0, "", f"{source.display}: no such file")
            return None
        except IsADirectoryError:
            self.reader.add(None, 0, 0, "", f"{source.display}: a folder; give the workshop script's file")
            return None
        except OSError as exc:
            self.reader.add(source, 1, 1, "", f"cannot read the file ({exc.strerror or exc})")
            return None
        if len(raw) > MAX_SCRIPT_BYTES:
            limit = f"{MAX_SCRIPT_BYTES // 1_000_000} MB"
            self.reader.add(
                source, 1, 1, "", f"the file is larger than {limit}; a workshop script is far smaller"
            )
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.reader.add(
                source, 1, 1, "", f"the file is not UTF-8 text (byte {exc.start}; save it as UTF-8)"
            )
            return None
        try:
            source.root = safe_yaml.compose(text)
            data = None if source.root is None else safe_yaml.construct(source.root)
        except yaml.YAMLError as exc:
            line, column, message = _yaml_error(exc)
            self.reader.add(source, line, column, "", message)
            return None
        expected = "expected a mapping with id, title and steps (see 'encounters workshop new')"
        if data is None:
            self.reader.add(source, 1, 1, "", f"the file is empty ({expected})")
            return None
        if not isinstance(data, dict):
            line, column = _position(source.root)
            self.reader.add(source, line, column, "", f"{expected}, got {_describe(data, source.root)}")
            return None
        return data

    def load_catalogue(self, packs: Any) -> None:
        """The layered catalogue, the script's own packs last; their problems in their own reader."""
        base = self.path.parent
        if isinstance(packs, list):
            # a bad entry is the model's to report; only plain relative paths are read
            self.pack_paths = [
                base / pack
                for pack in packs
                if isinstance(pack, str)
                and pack.strip()
                and not Path(pack).is_absolute()
                and ".." not in pack
            ]
        reader = _Reader()
        layers = [
            shipped_dirs(),
            *([folder] for folder in self.extra_dirs),
            *([pack] for pack in self.pack_paths),
        ]
        reader.read_layers(layers)
        self.catalogue_reader = reader
        self.catalogue = reader.catalogue()

    def check_duplicate_keys(self, node: Any, parts: list[str | int]) -> None:
        """YAML quietly keeps the last of two equal keys; an author almost never means that."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    line, column = _position(key_node)
                    first_line, _ = _position(seen[key])
                    message = f"the key {key!r} appears twice in one mapping (first at line {first_line})"
                    self.reader.add(self.source, line, column, self.where([*parts, key]), message)
                elif key is not None:
                    seen[key] = key_node
                self.check_duplicate_keys(value_node, [*parts, key if key is not None else "?"])
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.check_duplicate_keys(item, [*parts, index])

    # locating

    def add_at(self, loc: Sequence[str | int], message: str | Callable[[list[str | int], Any], str]) -> None:
        """Report ``message`` at ``loc`` (union tags dropped), naming the step it is in."""
        loc = [element for element in loc if not (isinstance(element, str) and element in TAGS)]
        node, key_node, parts = _locate(self.source.root, loc)
        if callable(message):
            message = message(parts, node)
        mark_node = key_node if key_node is not None and _points_at_key(message) else node
        line, column = _position(mark_node)
        self.reader.add(self.source, line, column, self.where(parts), message)

    def where(self, parts: list[str | int]) -> str:
        if len(parts) >= 2 and parts[0] == "steps" and isinstance(parts[1], int):
            steps = self.data.get("steps")
            step = steps[parts[1]] if isinstance(steps, list) and parts[1] < len(steps) else None
            step_id = step.get("id") if isinstance(step, dict) else None
            name = f"step {step_id!r}" if isinstance(step_id, str) else f"step {parts[1] + 1}"
            rest = _format_path(parts[2:])
            return f"{name}: {rest}" if rest else name
        return _format_path(parts)

    # references and duplicates

    def check_references(self) -> None:
        if self.catalogue_reader is None:
            return
        data = self.data
        domain = data.get("domain")
        if isinstance(domain, str):
            self.check_known("domains", domain, ("domain",))
        steps = data.get("steps")
        if not isinstance(steps, list):
            return
        seen: dict[str, int] = {}
        for index, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            step_id = step.get("id")
            if isinstance(step_id, str):
                if step_id in seen:
                    first = self.line_of(("steps", seen[step_id], "id"))
                    self.add_at(
                        ("steps", index, "id"),
                        f"duplicate step id {step_id!r} (already used at line {first})",
                    )
                else:
                    seen[step_id] = index
            kinds = [kind for kind in STEP_KINDS if kind in step]
            if len(kinds) != 1:
                continue  # the model says so
            kind = kinds[0]
            if kind == "practice" and isinstance(step["practice"], str):
                self.check_known("practices", step["practice"], ("steps", index, "practice"))
            elif kind == "choose" and isinstance(step["choose"], dict):
                self.check_choice(index, step["choose"])
            elif kind == "ask" and isinstance(step["ask"], list):
                self.check_ask(index, step["ask"])

    def check_choice(self, index: int, choice: dict[str, Any]) -> None:
        kind = {"practice": "practices", "value": "values"}.get(choice.get("what"))  # type: ignore[arg-type]
        options = choice.get("options")
        if kind is None or not isinstance(options, list):
            return
        for position, option in enumerate(options):
            if isinstance(option, str):
                self.check_known(kind, option, ("steps", index, "choose", "options", position))

    def check_ask(self, index: int, items: list[Any]) -> None:
        assert self.catalogue is not None
        catalogue = self.catalogue
        asked: dict[str, int] = {}  # question id -> the item that brings it

        def note(question_id: str, position: int, loc: tuple[str | int, ...]) -> None:
            if question_id in asked:
                self.add_at(
                    loc,
                    f"question {question_id!r} is asked twice in this step"
                    f" (already by ask[{asked[question_id]}])",
                )
            else:
                asked[question_id] = position

        for position, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = ("steps", index, "ask", position)
            if "set" in item:
                set_id = item["set"]
                if not isinstance(set_id, str) or not self.check_known(
                    "question_sets", set_id, (*here, "set")
                ):
                    continue
                if set_id not in catalogue.question_sets:  # broken in its pack: reported there
                    continue
                ids = [question.id for question in catalogue.question_set(set_id).questions]
                self.note_questions(item, here, ids, ids, f"question set {set_id!r}", note, position)
            elif "practice" in item:
                practice_id = item["practice"]
                if not isinstance(practice_id, str) or not self.check_known(
                    "practices", practice_id, (*here, "practice")
                ):
                    continue
                if practice_id not in catalogue.practices:
                    continue
                phase = item.get("phase", "after")
                if phase not in ("before", "after"):
                    continue
                practice = catalogue.practice(practice_id)
                own = [question.id for question in getattr(practice, phase)]
                full = [f"{practice_id}.{question_id}" for question_id in own]
                self.note_questions(
                    item, here, own, full, f"practice {practice_id!r} ({phase})", note, position
                )
            else:
                question_id = item.get("id")
                if isinstance(question_id, str):
                    note(question_id, position, (*here, "id"))
                rates = item.get("rates")
                if isinstance(rates, str):
                    self.check_known("values", rates, (*here, "rates"))
                if item.get("role") == "values" and isinstance(item.get("options"), list):
                    for number, option in enumerate(item["options"]):
                        option_id = option.get("id") if isinstance(option, dict) else None
                        if isinstance(option_id, str):
                            self.check_known("values", option_id, (*here, "options", number, "id"))

    def note_questions(
        self,
        item: dict[str, Any],
        here: tuple[str | int, ...],
        ids: list[str],
        full_ids: list[str],
        what: str,
        note: Callable[[str, int, tuple[str | int, ...]], None],
        position: int,
    ) -> None:
        """The questions an item brings (its ``only`` list, checked, or all of them), noted for duplicates."""
        only = item.get("only")
        if not isinstance(only, list):
            for full_id in full_ids:
                note(full_id, position, here)
            return
        for number, question_id in enumerate(only):
            if not isinstance(question_id, str):
                continue
            if question_id not in ids:
                self.add_at(
                    (*here, "only", number),
                    f"{what} has no question {question_id!r} (it has: {', '.join(ids)})",
                )
            else:
                note(full_ids[ids.index(question_id)], position, (*here, "only", number))

    def check_known(self, kind: str, item_id: str, loc: tuple[str | int, ...]) -> bool:
        """Whether the catalogue has ``item_id`` of ``kind``; an error at ``loc`` when it has not."""
        assert self.catalogue_reader is not None
        known = self.catalogue_reader.combined[kind]
        if item_id in known or item_id in self.catalogue_reader.broken[kind]:
            return True
        what = KIND_NAMES[kind]
        close = difflib.get_close_matches(item_id, list(known), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        self.add_at(loc, f"unknown {what} id {item_id!r} ({hint}{_expected(known)})")
        return False

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        node, _, _ = _locate(self.source.root, loc)
        return _position(node)[0]


# --- wording -----------------------------------------------------------------------------------------


def _wording(error: Any, loc: Sequence[str | int], parts: list[str | int], node: Any) -> str:
    """One pydantic error in a script author's words; the catalogue's wording where it fits."""
    kind = error["type"]
    value = error.get("input")
    name = parts[-1] if parts else ""
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return _no_kind(value, node)
    if kind == "extra_forbidden":
        raw_parent = list(loc[:-1])
        allowed = [item for item in model_fields_at(Workshop, raw_parent, TAGS) if item != "kind"]
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        what = "top-level key" if len(parts) == 1 else "field"
        return f"unknown {what} {name!r} ({hint}expected one of: {', '.join(allowed)})"
    if kind == "literal_error":
        allowed_values = typing.get_args(annotation_at(Workshop, loc, TAGS))
        expected = ", ".join(map(str, allowed_values)) if allowed_values else error["ctx"].get("expected", "")
        return f"unknown {name} {value!r} (expected one of: {expected})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        fields = model_fields_at(Workshop, loc, TAGS)
        with_fields = f" with {', '.join(fields)}" if fields else ""
        return f"expected a mapping{with_fields}, got {_describe(value, node)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_describe(value, node)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = {
            "greater_than_equal": "at least {ge}",
            "greater_than": "more than {gt}",
            "less_than_equal": "at most {le}",
            "less_than": "less than {lt}",
        }[kind].format(**error["ctx"])
        return f"expected a number {limit}, got {_describe(value, node)}"
    return _humanize(error, parts, node)


def _no_kind(value: Any, node: Any) -> str:
    kinds = ", ".join(STEP_KINDS)
    if not isinstance(value, dict):
        return f"expected a step: a mapping with an id and one of {kinds}; got {_describe(value, node)}"
    found = [kind for kind in STEP_KINDS if kind in value]
    if len(found) > 1:
        both = " and ".join(found)
        return f"a step does one thing, but this one has {both} (split it into {len(found)} steps)"
    others = [str(key) for key in value if key not in ("id", "title", "minutes", "notes")]
    close = difflib.get_close_matches(others[0], STEP_KINDS, n=1) if others else []
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"a step needs one of: {kinds} (found none{hint})"
