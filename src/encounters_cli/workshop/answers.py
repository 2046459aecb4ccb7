"""Who answers a workshop's questions: a person at a terminal, an answers file, or a test.

An answers file (YAML or JSON) maps step ids to answers:

    reflect-in-pairs:            # an 'ask' step: question id -> answer
      what: We went through the form together.
      rating-trust: 4
    my-practice: explain-the-why # a 'choose' step: the chosen id

The whole file is checked against the script before the run starts (unknown steps, steps that take
no answers, unknown question ids, answers that do not fit their question, required answers left
out), so a rehearsal never stops halfway with half its entries saved. Each step is then answered
by the coach's ``AnswersFileConversation``, the same as ``prepare --answers``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from encounters_cli.coach.conversation import AnswersFileConversation
from encounters_cli.errors import AnswerError, UsageError
from encounters_cli.workshop.models import AskStep, ChooseStep
from encounters_cli.workshop.questions import ask_questions, choose_question

if TYPE_CHECKING:
    from encounters_cli.coach.conversation import Conversation
    from encounters_cli.workshop.loader import LoadedWorkshop
    from encounters_cli.workshop.models import Workshop

# An answers file for a long team day is a few kilobytes; this bounds a mistaken or hostile one.
MAX_ANSWERS_BYTES = 5_000_000


class StepAnswers(Protocol):
    """Gives the Conversation that answers one ``ask`` or ``choose`` step."""

    def for_step(self, step: AskStep | ChooseStep) -> Conversation: ...


@dataclass
class SameConversation:
    """One conversation for every step: the person at the terminal, or a test's script."""

    conversation: Conversation

    def for_step(self, step: AskStep | ChooseStep) -> Conversation:
        return self.conversation


class AnswersFile:
    """Answers from a file read by ``read_answers``; each step gets its own AnswersFileConversation."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def for_step(self, step: AskStep | ChooseStep) -> Conversation:
        given = self.data.get(step.id)
        if isinstance(step, ChooseStep):
            answers = {} if given is None else {step.id: given}
        else:
            answers = dict(given or {})
        return AnswersFileConversation({"answers": answers}, source=f"{self.source}: step '{step.id}'")


def read_answers(path: Path) -> dict[str, Any]:
    """The file's mapping of step ids to answers, with one-line errors naming the file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ANSWERS_BYTES + 1)
    except FileNotFoundError as error:
        raise UsageError(f"answers file not found: {path}") from error
    except OSError as error:
        raise UsageError(f"cannot read the answers file {path}: {error.strerror or error}") from error
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswerError(f"{path}: the file is larger than {MAX_ANSWERS_BYTES // 1_000_000} MB")
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
        except (RecursionError, ValueError) as error:  # nested too deeply; a number too long to read
            raise AnswerError(f"{path}: not valid JSON ({type(error).__name__})") from error
    else:
        import yaml

        from encounters_cli import safe_yaml

        try:
            data = safe_yaml.load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            raise AnswerError(
                f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}"
            ) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswerError(
            f"{path}: a workshop answers file maps step ids to answers (see 'encounters workshop questions')"
        )
    return {str(key): value for key, value in data.items()}


def check_answers(
    loaded: LoadedWorkshop, data: dict[str, Any], lang: str, source: str, start: int = 0
) -> None:
    """Every answer in ``data`` fits the script from step ``start`` on; else AnswerError naming the first."""
    workshop = loaded.workshop
    answerable = {step.id: step for step in workshop.steps if isinstance(step, (AskStep, ChooseStep))}
    for step_id, given in data.items():
        if step_id not in answerable:
            raise AnswerError(f"{source}: {_not_answerable(workshop, step_id)}")
        step = answerable[step_id]
        if isinstance(step, AskStep) and given is not None and not isinstance(given, dict):
            raise AnswerError(
                f"{source}: step '{step_id}' asks questions: give its answers as a mapping of question ids"
                " to answers"
            )
    for step in workshop.steps[start:]:
        if isinstance(step, ChooseStep):
            asked = choose_question(loaded.catalogue, step, lang)
            _check(source, step.id, asked, data.get(step.id))
        elif isinstance(step, AskStep):
            given = data.get(step.id) or {}
            questions = ask_questions(loaded.catalogue, step, lang)
            ids = [asked.id for asked in questions]
            unknown = [str(key) for key in given if str(key) not in ids]
            if unknown:
                raise AnswerError(
                    f"{source}: step '{step.id}' has no question '{unknown[0]}' (it asks: {', '.join(ids)};"
                    f" see 'encounters workshop questions')"
                )
            for asked in questions:
                _check(source, step.id, asked, given.get(asked.id))


def _check(source: str, step_id: str, asked: Any, raw: Any) -> None:
    try:
        asked.check(raw)
    except AnswerError as error:
        raise AnswerError(f"{source}: step '{step_id}': {error}") from error


def _not_answerable(workshop: Workshop, step_id: str) -> str:
    takes = [step.id for step in workshop.steps if isinstance(step, (AskStep, ChooseStep))]
    listed = ", ".join(takes) if takes else "none"
    for step in workshop.steps:
        if step.id == step_id:
            return f"step '{step_id}' is a {step.kind} step and takes no answers (steps that do: {listed})"
    return f"unknown step '{step_id}' (steps that take answers: {listed})"
