"""Turning a raw answer (typed, from an answers file or from an edit) into the value we store."""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from encounters_cli.errors import AnswerError

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Localized, Question

YES = {"y", "yes", "true", "k", "kyllä", "kylla", "1"}
NO = {"n", "no", "false", "e", "ei", "0"}

# Half of a UTF-16 pair on its own: what Python makes of bytes that are not UTF-8 (in a command-line
# argument) or of a '\udcff' escape (in JSON or YAML). It cannot be stored as text.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def shown(value: Any) -> str:
    """A value for an error message: its repr, shortened (a 5 MB answer or a deep list stays one line)."""
    return _SHORT.repr(value)


def checked_text(text: str, what: str) -> str:
    """``text`` if it can be stored; else AnswerError saying ``what`` is not UTF-8 text."""
    if _LONE_SURROGATE.search(text):
        raise AnswerError(
            f"{what} is not valid UTF-8 text (check the encoding of the terminal or file it came from)",
            "text",
        )
    return text


@dataclass
class Asked:
    """One question as the coach asks it: the wording chosen for this time, the options resolved."""

    id: str  # full id, e.g. 'intention' or 'explain-the-why.reasons'
    phase: str  # before | after | quick
    question: Question
    prompt: str
    help: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)  # (id, label in the content language)
    default: Any = None
    anchors: dict[int, str] = field(default_factory=dict)
    show_first: int | None = None  # a long option list: show these, accept all (by number or id)
    show_ids: bool = True  # False where ids mean nothing to a person (encounter ids, draft actions)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def required(self) -> bool:
        return self.question.required

    def check(self, raw: Any) -> Any:
        """The stored form of ``raw``, or AnswerError naming this question."""
        return coerce(self.id, self.question, raw, [option_id for option_id, _ in self.options])


def pick_wording(question: Question, lang: str, turn: int) -> str:
    """Rotate between the prompt and its variants so the same words do not repeat forever."""
    wordings: list[Localized] = [question.prompt, *question.variants]
    return wordings[turn % len(wordings)].get(lang)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def coerce(question_id: str, question: Question, raw: Any, option_ids: list[str]) -> Any:
    if _blank(raw):
        if question.required:
            raise AnswerError(f"question '{question_id}' needs an answer", "required")
        return None
    kind = question.type
    if kind in ("text", "long_text"):
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise AnswerError(f"question '{question_id}' expects text, not {type(raw).__name__}", "text")
        text = checked_text(str(raw), f"the answer to '{question_id}'").strip()
        return " ".join(text.split()) if kind == "text" else text
    if kind == "choice":
        choice = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        if choice not in option_ids:
            raise AnswerError(
                f"question '{question_id}': {shown(raw)} is not one of the options ({', '.join(option_ids)})",
                "option",
                value=raw,
            )
        return choice
    if kind == "multi_choice":
        items = [part.strip() for part in raw.split(",")] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise AnswerError(f"question '{question_id}' expects a list of option ids", "option", value=raw)
        unknown = [item for item in items if item not in option_ids]
        if unknown:
            raise AnswerError(
                f"question '{question_id}': {shown(unknown[0])} is not one of the options "
                f"({', '.join(option_ids)})",
                "option",
                value=unknown[0],
            )
        chosen = list(dict.fromkeys(item for item in items if item))
        if not chosen and question.required:
            raise AnswerError(f"question '{question_id}' needs at least one choice", "required")
        return chosen or None
    if kind == "scale":
        number = raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            number = int(raw.strip())
        if isinstance(number, bool) or not isinstance(number, int):
            raise AnswerError(
                f"question '{question_id}' expects a whole number from {question.min} to {question.max}",
                "range",
                low=question.min,
                high=question.max,
            )
        if not question.min <= number <= question.max:
            raise AnswerError(
                f"question '{question_id}': {number} is outside {question.min}-{question.max}",
                "range",
                low=question.min,
                high=question.max,
            )
        return number
    if kind == "yes_no":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        raise AnswerError(f"question '{question_id}' expects yes or no, not {shown(raw)}", "yes_no")
    raise AnswerError(f"question '{question_id}' has an unknown type {kind!r}")  # pragma: no cover


def answer_text(value: Any, labels: dict[str, str] | None = None) -> str:
    """A stored answer as one readable string (for summaries and lists)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join((labels or {}).get(item, item) for item in value)
    if isinstance(value, str) and labels:
        return labels.get(value, value)
    return str(value)
