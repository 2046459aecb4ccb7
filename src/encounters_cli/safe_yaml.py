"""The one way the tool reads YAML that someone else wrote: catalogue packs, answers files, edits.

A workshop file or an answers file may come from anyone, so reading one is bounded:

- safe tags only: plain data, never Python objects (``!!python/object/apply:...`` is an error, so a
  file cannot run code);
- at most ``MAX_DEPTH`` levels of nesting, and aliases that neither loop (``&a [*a]``) nor repeat
  more than ``MAX_ALIAS_REPEATS`` items ("billion laughs"): such a file fails at once with a
  position, instead of exhausting the stack, the memory or the person's patience;
- a number too long for Python to read is an error at its position, not a crash.

Every failure is a ``yaml.YAMLError``; those with a position are ``yaml.MarkedYAMLError``.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A catalogue file nests about eight levels deep and an answers file three; anything near this
# limit is not meant. Python's own recursion limit (1000) is far beyond it.
MAX_DEPTH = 100
# Aliases repeat a part of the document wherever they appear; a catalogue author uses them for a
# shared answer scale or a repeated mapping, a few hundred items at most.
MAX_ALIAS_REPEATS = 100_000


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (None when empty), checked for depth and aliases."""
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except RecursionError:  # the pure-Python parser recurses per level; libyaml stops at 1000
        raise yaml.YAMLError(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    except UnicodeEncodeError:  # text read with 'surrogateescape' from bytes that are not UTF-8
        raise yaml.YAMLError("the text holds bytes that are not UTF-8; save it as UTF-8") from None
    except yaml.reader.ReaderError as error:  # its message spans two lines and has no line number
        position = min(error.position, len(text))
        line = text.count("\n", 0, position)
        column = position - (text.rfind("\n", 0, position) + 1)
        mark = yaml.Mark("<text>", position, line, column, None, None)
        character = error.character if isinstance(error.character, int) else ord(error.character or "\0")
        problem = f"unacceptable character #x{character:04x}: {error.reason}"
        raise yaml.MarkedYAMLError(problem=problem, problem_mark=mark) from None
    if root is not None:
        _check_shape(root)
    return root


def construct(root: yaml.Node) -> Any:
    """Plain data (dicts, lists, strings, numbers, dates) from a node tree made by ``compose``."""
    return _Constructor().construct_document(root)


def load(text: str) -> Any:
    """``text`` as plain data (None when empty)."""
    root = compose(text)
    return None if root is None else construct(root)


def _check_shape(root: yaml.Node) -> None:
    """Walk the tree as the data will be (aliases expanded), without recursion, and stop early."""
    repeats = 0
    visited: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if id(node) in visited:
            repeats += 1
            if repeats > MAX_ALIAS_REPEATS:
                raise _error(node, f"aliases repeat more than {MAX_ALIAS_REPEATS:,} items")
        visited.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in on_path:
            raise _error(node, "an alias refers to a mapping or list that contains it (a loop)")
        if depth > MAX_DEPTH:
            raise _error(node, f"nested too deeply (more than {MAX_DEPTH} levels)")
        on_path.add(id(node))
        stack.append((node, depth, True))
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = list(node.value)
        stack.extend((child, depth + 1, False) for child in reversed(children))


def _error(node: yaml.Node, problem: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=problem, problem_mark=node.start_mark)


class _Constructor(SafeConstructor):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, LookupError, OverflowError):
            # PyYAML trusts an explicit tag's value: '!!int' with nothing after it, '!!bool maybe'
            # or '!!timestamp 2024-99-99' fail inside its constructors with plain Python errors
            value = node.value if isinstance(node, yaml.ScalarNode) else ""
            shown = value if len(value) <= 40 else value[:37] + "..."
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise ConstructorError(None, None, f"cannot read {shown!r} as {kind}", node.start_mark) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
            if not limit or len(node.value) <= limit:
                raise  # not a number at all ('!!int 0x'): construct_object words it
            raise ConstructorError(  # more digits than int() accepts
                None, None, "a number too long to read (put it in quotes if it is text)", node.start_mark
            ) from None


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
