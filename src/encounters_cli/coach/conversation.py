"""How a flow talks to a person without knowing who or what answers.

A flow *asks* questions (``Asked``) and *tells* events (the dataclasses below). Three
implementations answer: the terminal prompter (cli/prompter.py), an answers file
(``AnswersFileConversation``) and a test script (``ScriptedConversation``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from encounters_cli.coach.answers import Asked
from encounters_cli.errors import AnswerError, UsageError

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Practice
    from encounters_cli.privacy.nudge import Finding
    from encounters_cli.storage.records import Draft, Encounter, NextStep


# --- events a flow tells -------------------------------------------------------------------------


@dataclass
class Suggestion:
    practice: Practice
    reason_values: list[str]  # the neglected values this practice serves
    counts: dict[str, int]  # value id -> how many recent encounters touched it
    window: int  # how many recent encounters were counted


@dataclass
class SuggestionsShown:
    domain: str | None
    suggestions: list[Suggestion]


@dataclass
class PracticeShown:
    practice: Practice


@dataclass
class Resurfaced:
    """An earlier next step worth remembering now: same practice, else same domain."""

    step: NextStep
    because: str  # "practice" or "domain"


@dataclass
class DraftResumed:
    draft: Draft


@dataclass
class DraftSaved:
    draft: Draft


@dataclass
class EncounterSaved:
    encounter: Encounter
    flow: str  # prepare | reflect | log
    next_step: str | None = None


@dataclass
class IdentifiersFound:
    """An answer looks like it identifies someone, and nobody was asked: it is kept as written.

    Told instead of asking when the conversation cannot ask (see ``review_identifiers``); the
    answers-file run ends with a one-line warning built from these. Counts only, never the text.
    """

    question_id: str
    counts: dict[str, int]  # kind ('PERSON', 'PHONE', …) -> how many


Event = (
    SuggestionsShown
    | PracticeShown
    | Resurfaced
    | DraftResumed
    | DraftSaved
    | EncounterSaved
    | IdentifiersFound
)


class Conversation(Protocol):
    """Asks and tells.

    Optional: ``review_identifiers(asked, finding) -> 'replace' | 'keep' | 'edit'``, called when a
    free-text answer looks like it identifies someone (privacy/nudge.py). A conversation without it
    gets the default in ``review_identifiers`` below: an ``IdentifiersFound`` event, answer kept.
    """

    interactive: bool  # can offer choices the script did not foresee (drafts, open encounters)

    def ask(self, asked: Asked) -> Any:
        """The checked answer (``asked.check``), or None when skipped."""

    def tell(self, event: Event) -> None: ...

    def finish(self) -> None:
        """Called once every question has been asked, before saving: a last chance to object."""


def review_identifiers(conversation: Conversation, asked: Asked, finding: Finding) -> str:
    """What to do with an answer that holds identifiers: 'replace', 'keep' or 'edit'.

    Asks the conversation when it can (the terminal does); otherwise tells an ``IdentifiersFound``
    event and keeps the answer, so that a run without a person never waits for one.
    """
    review = getattr(conversation, "review_identifiers", None)
    if review is not None:
        return review(asked, finding)
    conversation.tell(IdentifiersFound(asked.id, dict(finding.counts)))
    return "keep"


# --- answers files ---------------------------------------------------------------------------------

ANSWERS_FILE_KEYS = ("domain", "practice", "values", "label", "private", "encounter", "answers")


def read_answers_file(path: Path) -> dict[str, Any]:
    """Load an answers file (YAML or JSON) into its top-level mapping, with one-line errors."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise UsageError(f"answers file not found: {path}") from error
    except OSError as error:
        raise UsageError(f"cannot read the answers file {path}: {error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnswerError(
            f"{path}: the file is not UTF-8 text (byte {error.start}; save it as UTF-8)"
        ) from error
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise AnswerError(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from error
        except RecursionError as error:
            raise AnswerError(f"{path}: not valid JSON: nested too deeply") from error
        except ValueError as error:  # a number with more digits than Python reads
            raise AnswerError(f"{path}: not valid JSON: a number too long to read") from error
    else:
        import yaml

        from encounters_cli import safe_yaml

        try:
            data = safe_yaml.load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            raise AnswerError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AnswerError(f"{path}: an answers file is a mapping with keys {', '.join(ANSWERS_FILE_KEYS)}")
    unknown = [key for key in data if key not in ANSWERS_FILE_KEYS]
    if unknown:
        raise AnswerError(f"{path}: unknown key '{unknown[0]}' (expected: {', '.join(ANSWERS_FILE_KEYS)})")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise AnswerError(f"{path}: 'answers' must map question ids to answers")
    data["answers"] = {str(key): value for key, value in answers.items()}
    if not isinstance(data.get("private", False), bool):
        raise AnswerError(f"{path}: 'private' must be true or false")
    for key in ("domain", "practice", "encounter", "label"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise AnswerError(f"{path}: '{key}' must be text")
    return data


class AnswersFileConversation:
    """Answers every question from an answers file; unknown question ids are errors at the end."""

    interactive = False

    def __init__(self, data: dict[str, Any], source: str = "answers file") -> None:
        self.data = data
        self.source = source
        self.answers: dict[str, Any] = dict(data.get("answers") or {})
        self.asked: list[str] = []
        self.events: list[Event] = []

    def ask(self, asked: Asked) -> Any:
        self.asked.append(asked.id)
        if asked.id in ("domain", "practice", "encounter") and asked.id in self.data:
            raw = self.data[asked.id]
        elif asked.question.role == "values" and "values" in self.data:
            raw = self.data["values"]
        elif asked.question.role == "label" and "label" in self.data:
            raw = self.data["label"]
        else:
            raw = self.answers.get(asked.id, asked.default)
        try:
            return asked.check(raw)
        except AnswerError as error:
            raise AnswerError(f"{self.source}: {error}") from error

    def tell(self, event: Event) -> None:
        self.events.append(event)

    def finish(self) -> None:
        unknown = [key for key in self.answers if key not in self.asked]
        asked = [key for key in self.asked if key not in ("domain", "practice", "encounter")]
        if unknown:
            raise AnswerError(
                f"{self.source}: unknown question id '{unknown[0]}' here "
                f"(asked: {', '.join(asked)}); "
                "see 'encounters questions'"
            )


@dataclass
class ScriptedConversation:
    """A test script: answers by question id, and fails on any question it did not expect."""

    script: dict[str, Any]
    interactive: bool = True
    asked: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def ask(self, asked: Asked) -> Any:
        self.asked.append(asked.id)
        if asked.id not in self.script:
            raise AssertionError(f"unexpected question {asked.id!r}: {asked.prompt}")
        answer = self.script[asked.id]
        if isinstance(answer, BaseException) or (
            isinstance(answer, type) and issubclass(answer, BaseException)
        ):
            raise answer
        return asked.check(answer)

    def tell(self, event: Event) -> None:
        self.events.append(event)

    def finish(self) -> None:
        unused = [key for key in self.script if key not in self.asked]
        if unused:
            raise AssertionError(f"scripted answers never asked for: {unused}")

    def told(self, kind: type) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]


def only(events: Iterable[Event], kind: type) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]
