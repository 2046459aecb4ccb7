"""Editing an encounter as YAML: what the editor shows, and how a saved edit is checked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from encounters_cli.coach.answers import checked_text, coerce
from encounters_cli.errors import AnswerError, NotFoundError

if TYPE_CHECKING:
    from encounters_cli.coach.flows import Coach
    from encounters_cli.storage.records import Encounter

HEADER = """\
# Edit this encounter and save. Lines starting with '#' are comments.
# An edit that does not fit (an unknown value, a rating outside 1-5, ...) is not saved:
# the original stays as it was, and the message says why.
"""
EDITABLE = ("label", "domain", "private", "practices", "values", "ratings", "answers")


def to_yaml(encounter: Encounter) -> str:
    import yaml

    def dump(value: Any) -> str:
        return yaml.safe_dump(
            value, allow_unicode=_plain_unicode(value), default_flow_style=None, sort_keys=False, width=100
        ).rstrip("\n")

    lines = [HEADER.rstrip("\n"), f"# id: {encounter.id} ({encounter.status})", ""]
    head = {
        "label": encounter.label,
        "domain": encounter.domain,
        "private": encounter.private,
        "practices": list(encounter.practices),
        "values": list(encounter.values),
        "ratings": dict(encounter.ratings),
    }
    lines.append(dump(head))
    lines.append("answers:")
    for answer in encounter.answers:
        for question_line in answer.question.splitlines() or [""]:
            lines.append(f"  # {question_line}")
        lines.extend(f"  {line}" if line else "" for line in _answer_lines(answer.question_id, answer.answer))
    return "\n".join(lines) + "\n"


# YAML reads these as line breaks even inside quotes, so a string holding one is written escaped.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _plain_unicode(value: Any) -> bool:
    """Whether ``value`` may be written with its letters as they are (ä, not \\xe4)."""
    if isinstance(value, str):
        return not any(mark in value for mark in _YAML_BREAKS)
    if isinstance(value, dict):
        return all(_plain_unicode(key) and _plain_unicode(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain_unicode(item) for item in value)
    return True


def _answer_lines(question_id: str, value: Any) -> list[str]:
    """One answer as block YAML: multi-line text as a literal block, so it reads as it was written.

    Block style throughout: with flow style, ``{intention: ...}`` entries under ``answers:`` would not
    parse back. A literal block cannot hold every string (control characters, a first line that
    starts with a space, a trailing newline), so it is used only when it reads back exactly.
    """
    import yaml

    from encounters_cli import safe_yaml

    if isinstance(value, str) and "\n" in value:
        block = [f"{question_id}: |-", *(f"  {line}" if line else "" for line in value.split("\n"))]
        try:  # read back as apply_edit will read it
            if safe_yaml.load("\n".join(block)) == {question_id: value}:
                return block
        except yaml.YAMLError:
            pass  # not representable as a literal block: the quoted form below always is
    text = yaml.safe_dump(
        {question_id: value},
        allow_unicode=_plain_unicode(value),
        default_flow_style=False,
        sort_keys=False,
        width=1 << 30,
    )
    return text.rstrip("\n").split("\n")


def apply_edit(coach: Coach, encounter: Encounter, text: str) -> bool:
    """Apply the edited YAML to ``encounter`` in place; False when nothing changed.

    Raises AnswerError (nothing applied) when the edit does not fit.
    """
    import yaml

    from encounters_cli import safe_yaml
    from encounters_cli.coach.flows import find_question

    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise AnswerError(f"{where}not valid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict):
        raise AnswerError("the edit must stay a mapping of label, domain, values, ratings and answers")
    unknown = [key for key in data if key not in EDITABLE]
    if unknown:
        raise AnswerError(f"unknown field '{unknown[0]}' (editable: {', '.join(EDITABLE)})")
    catalogue = coach.catalogue

    def known(kind: str, ids: Any, field: str) -> list[str]:
        if ids is None:
            return []
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            raise AnswerError(f"'{field}' must be a list of ids")
        lookup = getattr(catalogue, kind)
        for item in ids:
            try:
                lookup(item)
            except NotFoundError as error:
                raise AnswerError(f"'{field}': {error}") from error
        return list(dict.fromkeys(ids))

    label = data.get("label")
    if label is not None and not isinstance(label, str):
        raise AnswerError("'label' must be text")
    checked_text(label or "", "'label'")
    domain = data.get("domain")
    if domain is not None:
        known("domain", [domain] if isinstance(domain, str) else domain, "domain")
    private = data.get("private", False)
    if not isinstance(private, bool):
        raise AnswerError("'private' must be true or false")
    practices = known("practice", data.get("practices"), "practices")
    values = known("value", data.get("values"), "values")
    ratings_in = data.get("ratings") or {}
    if not isinstance(ratings_in, dict):
        raise AnswerError("'ratings' must map value ids to 1-5")
    ratings: dict[str, int] = {}
    for value_id, score in ratings_in.items():
        known("value", [value_id], "ratings")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise AnswerError(f"rating for '{value_id}' must be a whole number from 1 to 5")
        ratings[value_id] = score
    answers_in = data.get("answers") or {}
    if not isinstance(answers_in, dict):
        raise AnswerError("'answers' must map question ids to answers")
    by_id = {answer.question_id: answer for answer in encounter.answers}
    extra = [key for key in answers_in if key not in by_id]
    if extra:
        raise AnswerError(f"'answers': no question '{extra[0]}' in this encounter")
    new_answers: dict[str, Any] = {}
    for question_id, stored in by_id.items():
        raw = answers_in.get(question_id)
        question = find_question(coach, question_id)
        if question is not None and question.type == stored.question_type:
            options = (
                [option_id for option_id, _ in catalogue.options_for(question)]
                if question.type in ("choice", "multi_choice")
                else []
            )
            new_answers[question_id] = coerce(question_id, question, raw, options)
        else:  # the question left the catalogue: keep the shape, check loosely
            if raw is not None and not isinstance(raw, (str, int, bool, list)):
                raise AnswerError(f"'answers': '{question_id}' has an answer of an unexpected kind")
            new_answers[question_id] = raw

    before = encounter.to_json()
    encounter.label = " ".join(label.split()) if label else None
    encounter.domain = domain
    encounter.private = private
    encounter.practices = practices
    encounter.values = values
    encounter.ratings = ratings
    for answer in encounter.answers:
        answer.answer = new_answers[answer.question_id]
    return encounter.to_json() != before
