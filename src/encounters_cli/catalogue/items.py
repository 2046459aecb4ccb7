"""The loaded catalogue: values, domains, practices and question sets as plain read-only objects.

YAML is validated by the pydantic models in ``catalogue.models`` (``catalogue.reader``); what comes
out is converted to these items, which is what the commands use and what the cache keeps. They need
no pydantic: a command on a warm cache loads the catalogue without importing it (pydantic costs
more start-up than the rest of such a command).

Each item has the fields of the model of the same name and answers the same questions: attributes,
``Localized.get``, ``Practice.serves_domain``, ``model_dump`` (python or json mode, as pydantic
gives it) and ``model_copy(update=...)``. Like the models they are frozen: a loaded catalogue is
shared by flows and must not change under them. ``tests/test_catalogue_cache.py`` checks that items
and models agree field for field, and that every shipped item dumps as its model does.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from encounters_cli.errors import NotFoundError


def language_code(lang: str) -> str:
    """'fi' for any Finnish locale spelling ('fi', 'fi_FI.UTF-8', 'fi-FI'); 'en' for everything else."""
    return "fi" if (lang or "").lower().replace("-", "_").split("_")[0].split(".")[0] == "fi" else "en"


class Item:
    """A frozen record with named fields, cheap to define and to unpickle (no generated code)."""

    __slots__ = ()
    fields: tuple[str, ...] = ()

    def __init__(self, **values: Any) -> None:
        missing = [name for name in self.fields if name not in values]
        unknown = [name for name in values if name not in self.fields]
        if missing or unknown:
            raise TypeError(f"{type(self).__name__}: missing {missing}, unknown {unknown}")
        for name in self.fields:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: a loaded catalogue does not change")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: a loaded catalogue does not change")

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), tuple(getattr(self, name) for name in self.fields))

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values() == self._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), *(_hashable(value) for value in self._values())))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.fields)
        return f"{type(self).__name__}({shown})"

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The fields as plain data, exactly as pydantic's ``model_dump`` of the model gives them."""
        return {name: _dump(getattr(self, name), mode) for name in self.fields}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Any:
        """A copy with some fields replaced (not validated, as with pydantic's model_copy)."""
        values = {name: getattr(self, name) for name in self.fields}
        values.update(update or {})
        return type(self)(**values)


def _restore(kind: type[Item], values: tuple[Any, ...]) -> Item:
    item = object.__new__(kind)
    for name, value in zip(kind.fields, values, strict=True):
        object.__setattr__(item, name, value)
    return item


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _hashable(item)) for key, item in value.items())
    return value


def _dump(value: Any, mode: str) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode=mode)
    if isinstance(value, list):
        return [_dump(item, mode) for item in value]
    if isinstance(value, dict):  # JSON has only text keys: pydantic writes anchors' 1..5 as "1".."5"
        return {(str(key) if mode == "json" else key): _dump(item, mode) for key, item in value.items()}
    return value


class Localized(Item):
    fields = ("en", "fi")
    __slots__ = fields
    en: str
    fi: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('fi', 'fi_FI', 'fi-FI' all count as Finnish); English otherwise."""
        return self.fi if language_code(lang) == "fi" else self.en


class Value(Item):
    fields = ("id", "kind", "name", "description")
    __slots__ = fields
    id: str
    kind: str
    name: Localized
    description: Localized


class Domain(Item):
    fields = ("id", "name", "description")
    __slots__ = fields
    id: str
    name: Localized
    description: Localized | None


class Option(Item):
    fields = ("id", "label")
    __slots__ = fields
    id: str
    label: Localized


class Question(Item):
    fields = (
        "id",
        "type",
        "prompt",
        "help",
        "required",
        "options",
        "options_from",
        "min",
        "max",
        "anchors",
        "role",
        "rates",
        "variants",
    )
    __slots__ = fields
    id: str
    type: str
    prompt: Localized
    help: Localized | None
    required: bool
    options: list[Option] | None
    options_from: str | None
    min: int
    max: int
    anchors: dict[int, Localized] | None
    role: str | None
    rates: str | None
    variants: list[Localized]


class Practice(Item):
    fields = ("id", "title", "summary", "why", "steps", "values", "domains", "before", "after")
    __slots__ = fields
    id: str
    title: Localized
    summary: Localized
    why: Localized
    steps: list[Localized]
    values: list[str]
    domains: str | list[str]  # "all" or domain ids
    before: list[Question]
    after: list[Question]

    def serves_domain(self, domain_id: str) -> bool:
        return self.domains == "all" or domain_id in self.domains


class QuestionSet(Item):
    fields = ("id", "title", "description", "questions")
    __slots__ = fields
    id: str
    title: Localized
    description: Localized | None
    questions: list[Question]


ITEMS: dict[str, type[Item]] = {
    kind.__name__: kind for kind in (Localized, Value, Domain, Option, Question, Practice, QuestionSet)
}


def from_model(model: Any) -> Any:
    """The item for a validated pydantic model (and for everything inside it); plain data unchanged."""
    kind = ITEMS.get(type(model).__name__)
    if kind is not None and hasattr(type(model), "model_fields"):
        return kind(**{name: from_model(getattr(model, name)) for name in kind.fields})
    if isinstance(model, list):
        return [from_model(item) for item in model]
    if isinstance(model, dict):
        return {key: from_model(item) for key, item in model.items()}
    return model


def _not_found(what: str, item_id: str, known: Iterable[str]) -> NotFoundError:
    ids = ", ".join(known)
    expected = f"expected one of: {ids}" if ids else f"the catalogue has no {what}s"
    return NotFoundError(f"unknown {what} {item_id!r} ({expected})")


class Catalogue:
    """The combined, validated catalogue. Plain class: it only holds items and answers lookups.

    ``version`` identifies the exact content (every file, in load order) so that a journal answer
    can record which wording it was given under. The items are ``catalogue.items`` objects when
    loaded; pydantic models of ``catalogue.models`` work the same (tests build catalogues of them).
    """

    def __init__(
        self,
        values: dict[str, Value],
        domains: dict[str, Domain],
        practices: dict[str, Practice],
        question_sets: dict[str, QuestionSet],
        version: str,
        sources: list[Path],
    ) -> None:
        self.values = values
        self.domains = domains
        self.practices = practices
        self.question_sets = question_sets
        self.version = version
        self.sources = sources

    def __repr__(self) -> str:
        return (
            f"Catalogue(version={self.version!r}, values={len(self.values)}, domains={len(self.domains)},"
            f" practices={len(self.practices)}, question_sets={len(self.question_sets)})"
        )

    def value(self, value_id: str) -> Value:
        if value_id not in self.values:
            raise _not_found("value", value_id, self.values)
        return self.values[value_id]

    def domain(self, domain_id: str) -> Domain:
        if domain_id not in self.domains:
            raise _not_found("domain", domain_id, self.domains)
        return self.domains[domain_id]

    def practice(self, practice_id: str) -> Practice:
        if practice_id not in self.practices:
            raise _not_found("practice", practice_id, self.practices)
        return self.practices[practice_id]

    def question_set(self, set_id: str) -> QuestionSet:
        if set_id not in self.question_sets:
            raise _not_found("question set", set_id, self.question_sets)
        return self.question_sets[set_id]

    def values_of_kind(self, kind: str) -> list[Value]:
        return [value for value in self.values.values() if value.kind == kind]

    def practices_for_domain(self, domain_id: str | None) -> list[Practice]:
        """Practices that fit ``domain_id`` (those for 'all' included); every practice for None."""
        if domain_id is None:
            return list(self.practices.values())
        return [practice for practice in self.practices.values() if practice.serves_domain(domain_id)]

    def practice_questions(self, practice_id: str, phase: str) -> list[Question]:
        """The practice's questions for ``phase`` with their full ids ``<practice-id>.<question-id>``.

        Full ids keep answers from different practices apart in one journal entry and are the ids
        that answers files use.
        """
        if phase not in ("before", "after"):
            raise ValueError(f"phase must be 'before' or 'after', not {phase!r}")
        practice = self.practice(practice_id)
        questions: list[Question] = practice.before if phase == "before" else practice.after
        return [question.model_copy(update={"id": f"{practice_id}.{question.id}"}) for question in questions]

    def options_for(self, question: Question) -> list[tuple[str, Localized]]:
        """The (id, label) choices of a choice question: its own options or the catalogue items named."""
        if question.options is not None:
            return [(option.id, option.label) for option in question.options]
        source = question.options_from
        if source is None:
            return []
        if source == "practices":
            return [(practice.id, practice.title) for practice in self.practices.values()]
        if source == "domains":
            return [(domain.id, domain.name) for domain in self.domains.values()]
        # otherwise lifelines, cornerstones or outcomes: the plural of a value kind
        chosen = list(self.values.values()) if source == "values" else self.values_of_kind(source[:-1])
        return [(value.id, value.name) for value in chosen]

    def search_practices(self, query: str, lang: str) -> list[Practice]:
        """Practices whose text contains ``query`` (case-insensitive, both languages).

        Ranked: id or title in ``lang`` first, then title in the other language, then summary,
        then why and steps; catalogue order within a rank. An empty query matches everything.
        """
        needle = query.strip().casefold()
        if not needle:
            return list(self.practices.values())
        code = language_code(lang)
        other = "en" if code == "fi" else "fi"
        ranked: list[tuple[int, int, Practice]] = []
        for position, practice in enumerate(self.practices.values()):
            tiers = (
                (practice.id, getattr(practice.title, code)),
                (getattr(practice.title, other),),
                (practice.summary.en, practice.summary.fi),
                (
                    practice.why.en,
                    practice.why.fi,
                    *(text for step in practice.steps for text in (step.en, step.fi)),
                ),
            )
            for rank, texts in enumerate(tiers):
                if any(needle in text.casefold() for text in texts):
                    ranked.append((rank, position, practice))
                    break
        return [practice for _, _, practice in sorted(ranked, key=lambda item: item[:2])]
