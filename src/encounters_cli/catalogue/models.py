"""Pydantic models of the catalogue format (docs/catalogue-format.md), for validating YAML.

What a load returns is made of ``catalogue.items`` (plain objects with the same fields, no pydantic),
``Catalogue`` included; it is importable from here too.

The models check everything that can be judged from one item alone (types, required fields,
translations, question shapes); references between items (a practice's value ids, a rating's
``rates``) need the whole layered catalogue and are checked in ``loader``.

Validators raise ``PydanticCustomError("catalogue", ...)`` with an ``at`` context entry when the
problem sits below the field being validated (a duplicate id at list index 3): the loader appends
``at`` to the error's ``loc`` so the reported line points at the offending item, not its list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

# the loaded catalogue and its lookups live with the plain items it holds (no pydantic needed)
from encounters_cli.catalogue.items import Catalogue as Catalogue
from encounters_cli.catalogue.items import language_code as language_code

ID_PATTERN = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")
LANGUAGE_NAMES = {"en": "English", "fi": "Finnish"}
# C0 controls except tab and line feed, DEL, and C1 controls (YAML turns every line end into a line feed)
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ValueKind = Literal["cornerstone", "lifeline", "outcome"]
QuestionType = Literal["text", "long_text", "choice", "multi_choice", "scale", "yes_no"]
OptionsSource = Literal["values", "lifelines", "cornerstones", "outcomes", "domains", "practices"]
Role = Literal["intention", "label", "values", "rating", "next_step"]
Phase = Literal["before", "after"]

CHOICE_TYPES = ("choice", "multi_choice")
REQUIRED_QUESTION_SETS = ("prepare", "reflect", "quick")


def problem(message: str, *at: str | int) -> PydanticCustomError:
    """A validation error with a human message; ``at`` locates it below the validated field."""
    return PydanticCustomError("catalogue", message, {"at": at})


def _check_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise problem(
            f"invalid id {value!r} (expected lowercase letters and digits joined by single '-' or '_',"
            " e.g. 'explain-the-why')"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]


def _domains_tag(value: Any) -> str:
    return "all" if isinstance(value, str) else "list"


# A tagged union so that a bad id in a domain list is reported once, not once per union member.
DomainsSpec = Annotated[
    Annotated[Literal["all"], Tag("all")] | Annotated[list[Id], Tag("list")],
    Discriminator(_domains_tag),
]


def _first_duplicate(ids: Iterable[str]) -> tuple[int, int, str] | None:
    """(first index, duplicate index, id) of the first repeated id, so the error can name both."""
    first: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in first:
            return first[item_id], index, item_id
        first[item_id] = index
    return None


class _Model(BaseModel):
    # frozen: a loaded catalogue is shared by flows and must not change under them
    # defer_build: a catalogue restored from the cache is never validated, so the validators are built
    # only when YAML is actually read (class creation then costs a third of the time)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Localized(_Model):
    """Human-readable text in both languages; both are required so neither user sees a gap."""

    en: str
    fi: str

    @field_validator("en", "fi", mode="before")
    @classmethod
    def _not_empty(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            name = LANGUAGE_NAMES[info.field_name or "en"]
            raise problem(f"empty {name} translation (expected the text in {name})")
        if isinstance(value, str) and (control := CONTROL_CHARACTER.search(value)):
            # a pack's text goes to the terminal as it is: an escape sequence could clear the screen
            # or retitle the window, so a workshop file is refused rather than shown
            raise problem(
                f"control character \\x{ord(control.group()):02x} in the text (only line breaks and"
                " tabs are allowed; terminal escape sequences are not)"
            )
        # block scalars (| and >) end in a newline that no one means as content
        return value.strip() if isinstance(value, str) else value

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('fi', 'fi_FI', 'fi-FI' all count as Finnish); English otherwise."""
        return self.fi if language_code(lang) == "fi" else self.en


class Value(_Model):
    id: Id
    kind: ValueKind
    name: Localized
    description: Localized


class Domain(_Model):
    id: Id
    name: Localized
    description: Localized | None = None


class Option(_Model):
    id: Id
    label: Localized


class Question(_Model):
    """One question. Cross-field checks live on the later field so errors point at what to fix."""

    id: Id
    type: QuestionType
    prompt: Localized
    help: Localized | None = None
    required: bool = False
    options: Annotated[list[Option], Field(min_length=1)] | None = None
    options_from: OptionsSource | None = None
    min: int = 1
    max: int = 5
    anchors: dict[int, Localized] | None = None
    role: Role | None = None
    rates: Id | None = None
    variants: list[Localized] = Field(default_factory=list)

    @field_validator("options")
    @classmethod
    def _options_fit(cls, options: list[Option] | None, info: ValidationInfo) -> list[Option] | None:
        if options is None:
            return None
        qtype = info.data.get("type")
        if qtype is not None and qtype not in CHOICE_TYPES:
            raise problem(f"options are only for choice and multi_choice questions (this one is {qtype!r})")
        duplicate = _first_duplicate(option.id for option in options)
        if duplicate:
            first, index, option_id = duplicate
            message = f"duplicate option id {option_id!r} (already used by options[{first}])"
            raise problem(message, index, "id")
        return options

    @field_validator("options_from")
    @classmethod
    def _options_from_fits(cls, source: str | None, info: ValidationInfo) -> str | None:
        if source is None:
            return None
        qtype = info.data.get("type")
        if qtype is not None and qtype not in CHOICE_TYPES:
            raise problem(
                f"options_from is only for choice and multi_choice questions (this one is {qtype!r})"
            )
        if info.data.get("options") is not None:
            raise problem("give either 'options' or 'options_from', not both")
        return source

    @field_validator("max")
    @classmethod
    def _range_not_empty(cls, high: int, info: ValidationInfo) -> int:
        low = info.data.get("min")
        if low is not None and high <= low:
            raise problem(f"max ({high}) must be greater than min ({low})")
        return high

    @field_validator("anchors")
    @classmethod
    def _anchors_on_scale(
        cls, anchors: dict[int, Localized] | None, info: ValidationInfo
    ) -> dict[int, Localized] | None:
        if anchors is None:
            return None
        qtype = info.data.get("type")
        if qtype is not None and qtype != "scale":
            raise problem(f"anchors are only for scale questions (this one is {qtype!r})")
        low, high = info.data.get("min"), info.data.get("max")
        if low is not None and high is not None:
            for point in anchors:
                if not low <= point <= high:
                    raise problem(f"anchor {point} is outside the scale (expected {low} to {high})", point)
        return anchors

    @field_validator("role")
    @classmethod
    def _role_fits_type(cls, role: str | None, info: ValidationInfo) -> str | None:
        qtype = info.data.get("type")
        needed = {"rating": "scale", "values": "multi_choice"}.get(role or "")
        if needed and qtype is not None and qtype != needed:
            raise problem(f"role {role!r} needs a {needed} question (this one is {qtype!r})")
        return role

    @field_validator("rates")
    @classmethod
    def _rates_needs_rating(cls, rates: str | None, info: ValidationInfo) -> str | None:
        if rates is not None and "role" in info.data and info.data["role"] != "rating":
            raise problem("rates is only for questions with role 'rating' (add 'role: rating')")
        return rates

    @model_validator(mode="after")
    def _complete(self) -> Question:
        if self.type in CHOICE_TYPES and self.options is None and self.options_from is None:
            raise problem(f"a {self.type} question needs 'options' or 'options_from'")
        if self.role == "rating" and self.rates is None:
            raise problem("a question with role 'rating' needs 'rates' (the id of the value it rates)")
        if self.type != "scale":
            for name in ("min", "max"):
                if name in self.model_fields_set:
                    raise problem(f"{name} is only for scale questions (this one is {self.type!r})", name)
        return self


def _unique_question_ids(questions: list[Question], field: str) -> list[Question]:
    duplicate = _first_duplicate(question.id for question in questions)
    if duplicate:
        first, index, question_id = duplicate
        message = f"duplicate question id {question_id!r} (already used by {field}[{first}])"
        raise problem(message, index, "id")
    return questions


class Practice(_Model):
    id: Id
    title: Localized
    summary: Localized
    why: Localized
    steps: list[Localized] = Field(min_length=2, max_length=5)
    values: list[Id] = Field(min_length=1)
    domains: DomainsSpec
    before: list[Question] = Field(min_length=1)
    after: list[Question] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _values_unique(cls, values: list[str]) -> list[str]:
        duplicate = _first_duplicate(values)
        if duplicate:
            first, index, value_id = duplicate
            raise problem(f"value {value_id!r} is listed twice (already at values[{first}])", index)
        return values

    @field_validator("domains", mode="before")
    @classmethod
    def _domains_shape(cls, domains: Any) -> Any:
        if isinstance(domains, str) and domains != "all":
            raise problem(f"expected 'all' or a list of domain ids (got {domains!r})")
        return domains

    @field_validator("domains")
    @classmethod
    def _domains_unique(cls, domains: str | list[str]) -> str | list[str]:
        if isinstance(domains, list):
            duplicate = _first_duplicate(domains)
            if duplicate:
                first, index, domain_id = duplicate
                raise problem(f"domain {domain_id!r} is listed twice (already at domains[{first}])", index)
        return domains

    @field_validator("before", "after")
    @classmethod
    def _questions_unique(cls, questions: list[Question], info: ValidationInfo) -> list[Question]:
        return _unique_question_ids(questions, info.field_name or "questions")

    def serves_domain(self, domain_id: str) -> bool:
        return self.domains == "all" or domain_id in self.domains


class QuestionSet(_Model):
    id: Id
    title: Localized
    description: Localized | None = None
    questions: list[Question] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _questions_unique(cls, questions: list[Question]) -> list[Question]:
        return _unique_question_ids(questions, "questions")


class CatalogueFile(_Model):
    """One YAML file. ``extra="forbid"`` turns an unknown top-level key into a located error."""

    values: list[Value] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    practices: list[Practice] = Field(default_factory=list)
    question_sets: list[QuestionSet] = Field(default_factory=list)

    @field_validator("values", "domains", "practices", "question_sets", mode="before")
    @classmethod
    def _empty_key_is_empty_list(cls, items: Any) -> Any:
        # `practices:` with nothing under it is a file being written, not a mistake worth an error
        return [] if items is None else items


KINDS: tuple[str, ...] = ("values", "domains", "practices", "question_sets")
KIND_MODELS: dict[str, type[_Model]] = {
    "values": Value,
    "domains": Domain,
    "practices": Practice,
    "question_sets": QuestionSet,
}
KIND_NAMES = {
    "values": "value",
    "domains": "domain",
    "practices": "practice",
    "question_sets": "question set",
}
