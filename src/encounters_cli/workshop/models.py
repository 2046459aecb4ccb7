"""Pydantic models of the workshop script format (docs/workshops.md).

A script is one YAML mapping: metadata (id, title, language, duration, audience, notes for the
facilitator, packs shipped beside it) and a list of steps. A step is a mapping with an ``id``,
optional ``title``, ``minutes`` and ``notes``, and exactly one key naming its kind: ``say``,
``practice``, ``choose``, ``scenario``, ``ask``, ``timer`` or ``debrief``.

Text fields take a plain string in a one-language script (``language: fi``) and a mapping of
translations (``{en: ..., fi: ...}``) in a bilingual one (``language: [en, fi]``); which is needed
is checked when the script is validated with ``validate_workshop`` (the languages travel in the
validation context), so every text that lacks a language is reported where it is.

Like the catalogue models, these check what can be judged from the script alone; the ids it refers
to (practices, values, question sets, domains) are checked by ``workshop.loader`` against the
catalogue, and so are duplicate step and question ids (so they are reported even when another step
is broken).

Unions are tagged (``Discriminator``) so that a broken step is reported once, as the kind it names,
not once per kind. The tag names (``TAGS``) are not keys of the file; the loader drops them from
error locations.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

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

from encounters_cli.catalogue.models import (
    CONTROL_CHARACTER,
    LANGUAGE_NAMES,
    Id,
    Localized,
    Option,
    Question,
    language_code,
    problem,
)

LANGUAGES = ("en", "fi")
Language = Literal["en", "fi"]
STEP_KINDS = ("say", "practice", "choose", "scenario", "ask", "timer", "debrief")
MAX_TIMER_SECONDS = 4 * 60 * 60


class _Model(BaseModel):
    # frozen: a loaded script is shared by the runner, the views and the handouts; defer_build: the
    # validators are built when a script is first validated, not by a command that imports the types
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- text ------------------------------------------------------------------------------------------


def _clean(value: str) -> str:
    """Strip the newline a block scalar ends with; refuse empty text and terminal control characters."""
    if control := CONTROL_CHARACTER.search(value):
        # a script's text goes to participants' terminals as it is: an escape sequence could clear
        # the screen or retitle the window, so the script is refused rather than shown
        raise problem(
            f"control character \\x{ord(control.group()):02x} in the text (only line breaks and tabs"
            " are allowed; terminal escape sequences are not)"
        )
    if not value.strip():
        raise problem("empty text (write the text, or leave the field out if it is optional)")
    return value.strip()


class Translations(_Model):
    """A text in more than one language; which languages are required depends on the script."""

    en: str | None = None
    fi: str | None = None

    @field_validator("en", "fi", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            name = LANGUAGE_NAMES[info.field_name or "en"]
            raise problem(f"empty {name} translation (expected the text in {name}, or leave the key out)")
        return _clean(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_at_least(self) -> Translations:
        if self.en is None and self.fi is None:
            raise problem("expected the text in at least one language: {en: ..., fi: ...}")
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('fi', 'fi_FI' count as Finnish), else in the other language."""
        if language_code(lang) == "fi":
            return self.fi if self.fi is not None else str(self.en)
        return self.en if self.en is not None else str(self.fi)


def _text_tag(value: Any) -> str:
    return "<translations>" if isinstance(value, (dict, Translations)) else "<text>"


def _has_languages(value: str | Translations, info: ValidationInfo) -> str | Translations:
    """A bilingual script needs every text in each of its languages; a one-language script, in its own."""
    languages = (info.context or {}).get("languages")
    if not languages:
        return value
    if isinstance(value, str):
        if len(languages) > 1:
            wanted = ", ".join(f"{lang}: ..." for lang in languages)
            raise problem(
                f"the script is in {' and '.join(LANGUAGE_NAMES[lang] for lang in languages)}"
                f" (language: [{', '.join(languages)}]): write this text as {{{wanted}}}"
            )
        return value
    missing = [lang for lang in languages if getattr(value, lang) is None]
    if missing:
        names = " and ".join(LANGUAGE_NAMES[lang] for lang in missing)
        raise problem(
            f"missing {names} translation (the script is in"
            f" {' and '.join(LANGUAGE_NAMES[lang] for lang in languages)}; add '{missing[0]}: ...')"
        )
    return value


Text = Annotated[
    Annotated[Annotated[str, AfterValidator(_clean)], Tag("<text>")]
    | Annotated[Translations, Tag("<translations>")],
    Discriminator(_text_tag),
    AfterValidator(_has_languages),
]


def text(value: str | Translations | None, lang: str) -> str | None:
    """A text field in ``lang``: a plain string as it is, translations in ``lang`` (else the other)."""
    if value is None or isinstance(value, str):
        return value
    return value.get(lang)


# --- questions ---------------------------------------------------------------------------------------


class WorkshopOption(_Model):
    id: Id
    label: Text


class WorkshopQuestion(Question):
    """A question written into the script: the catalogue's question shape, with script text fields.

    The catalogue's checks (options only on choice questions, a rating needs ``rates``, scale
    ranges and anchors) are inherited.
    """

    prompt: Text  # type: ignore[assignment]
    help: Text | None = None  # type: ignore[assignment]
    options: Annotated[list[WorkshopOption], Field(min_length=1)] | None = None  # type: ignore[assignment]
    anchors: dict[int, Text] | None = None  # type: ignore[assignment]
    variants: list[Text] = Field(default_factory=list)  # type: ignore[assignment]

    def resolved(self, lang: str) -> Question:
        """The catalogue Question in ``lang``, which the coach's asking and answer checks take."""

        def localized(value: str | Translations) -> Localized:
            chosen = text(value, lang) or ""
            return Localized.model_construct(en=chosen, fi=chosen)

        fields: dict[str, Any] = {
            name: getattr(self, name)
            for name in self.model_fields_set
            if name not in ("prompt", "help", "options", "anchors", "variants")
        }
        fields["id"], fields["type"] = self.id, self.type
        fields["prompt"] = localized(self.prompt)
        if self.help is not None:
            fields["help"] = localized(self.help)
        if self.options is not None:
            fields["options"] = [
                Option.model_construct(id=option.id, label=localized(option.label)) for option in self.options
            ]
        if self.anchors is not None:
            fields["anchors"] = {point: localized(label) for point, label in self.anchors.items()}
        fields["variants"] = [localized(variant) for variant in self.variants]
        return Question.model_construct(**fields)


class FromSet(_Model):
    """Questions of a catalogue question set (``prepare``, ``reflect`` or a pack's own), all or some."""

    set: Id
    only: Annotated[list[Id], Field(min_length=1)] | None = None


class FromPractice(_Model):
    """A practice's own before or after questions; their ids are ``<practice-id>.<question-id>``."""

    practice: Id
    phase: Literal["before", "after"] = "after"
    only: Annotated[list[Id], Field(min_length=1)] | None = None


def _ask_item_tag(value: Any) -> str:
    if isinstance(value, dict):
        if "set" in value:
            return "<from-set>"
        if "practice" in value:
            return "<from-practice>"
    elif isinstance(value, FromSet):
        return "<from-set>"
    elif isinstance(value, FromPractice):
        return "<from-practice>"
    return "<question>"


AskItem = Annotated[
    Annotated[WorkshopQuestion, Tag("<question>")]
    | Annotated[FromSet, Tag("<from-set>")]
    | Annotated[FromPractice, Tag("<from-practice>")],
    Discriminator(_ask_item_tag),
]


# --- steps -------------------------------------------------------------------------------------------


class _Step(_Model):
    kind: ClassVar[str]

    id: Id
    title: Text | None = None  # shown in the progress header; the kind's name when left out
    minutes: Annotated[int, Field(ge=1, le=600)] | None = None  # planned time, for the agenda
    notes: Text | None = None  # for the facilitator only (shown with 'workshop run --notes')


class SayStep(_Step):
    """Markdown text for the group, shown in the terminal."""

    kind: ClassVar[str] = "say"
    say: Text


class PracticeStep(_Step):
    """A practice card from the catalogue (or a pack beside the script)."""

    kind: ClassVar[str] = "practice"
    practice: Id
    questions: bool = False  # also list the practice's before and after questions on the card


class Choice(_Model):
    what: Literal["practice", "value"]
    prompt: Text | None = None
    # the ids to choose from; every practice, or every cornerstone and lifeline, when left out
    options: Annotated[list[Id], Field(min_length=1)] | None = None
    required: bool = False

    @field_validator("options")
    @classmethod
    def _unique(cls, options: list[str] | None) -> list[str] | None:
        seen: dict[str, int] = {}
        for index, option in enumerate(options or []):
            if option in seen:
                raise problem(f"{option!r} is listed twice (already at options[{seen[option]}])", index)
            seen[option] = index
        return options


class ChooseStep(_Step):
    """Each participant picks a practice or a value; the choice is saved as a journal entry."""

    kind: ClassVar[str] = "choose"
    choose: Choice


class ScenarioRole(_Model):
    name: Text
    brief: Text


class Scenario(_Model):
    title: Text | None = None
    situation: Text
    roles: Annotated[list[ScenarioRole], Field(min_length=1)]
    task: Text | None = None  # what the pairs or the observers do with it


class ScenarioStep(_Step):
    """A role-play case: the situation, the roles and what to do with it."""

    kind: ClassVar[str] = "scenario"
    scenario: Scenario


class AskStep(_Step):
    """Questions each participant answers; the answers are saved as one journal entry."""

    kind: ClassVar[str] = "ask"
    ask: Annotated[list[AskItem], Field(min_length=1)]


class Timer(_Model):
    minutes: Annotated[float, Field(gt=0, le=MAX_TIMER_SECONDS / 60)] | None = None
    seconds: Annotated[int, Field(ge=1, le=MAX_TIMER_SECONDS)] | None = None
    label: Text
    discuss: Text | None = None

    @model_validator(mode="after")
    def _one_length(self) -> Timer:
        if self.minutes is None and self.seconds is None:
            raise problem("a timer needs its length: 'minutes' or 'seconds'")
        if self.minutes is not None and self.seconds is not None:
            raise problem("give the timer's length as 'minutes' or 'seconds', not both", "seconds")
        return self

    @property
    def total_seconds(self) -> int:
        return self.seconds if self.seconds is not None else max(1, round((self.minutes or 0) * 60))


class TimerStep(_Step):
    """A countdown for pair or group discussion."""

    kind: ClassVar[str] = "timer"
    timer: Timer


class DebriefStep(_Step):
    """Questions for the whole group: shown, talked about, not answered in the tool."""

    kind: ClassVar[str] = "debrief"
    debrief: Annotated[list[Text], Field(min_length=1)]


STEP_MODELS: dict[str, type[_Step]] = {
    model.kind: model
    for model in (SayStep, PracticeStep, ChooseStep, ScenarioStep, AskStep, TimerStep, DebriefStep)
}


def _step_tag(value: Any) -> str | None:
    """The kind a step names by its one kind key; None (an error naming the kinds) for none or several."""
    if isinstance(value, _Step):
        return f"<{value.kind}>"
    if isinstance(value, dict):
        found = [kind for kind in STEP_KINDS if kind in value]
        if len(found) == 1:
            return f"<{found[0]}>"
    return None


Step = Annotated[
    Annotated[SayStep, Tag("<say>")]
    | Annotated[PracticeStep, Tag("<practice>")]
    | Annotated[ChooseStep, Tag("<choose>")]
    | Annotated[ScenarioStep, Tag("<scenario>")]
    | Annotated[AskStep, Tag("<ask>")]
    | Annotated[TimerStep, Tag("<timer>")]
    | Annotated[DebriefStep, Tag("<debrief>")],
    Discriminator(_step_tag),
]

# Union tags appear in pydantic's error locations but never in the file; each maps to its member
# (their member's type, for the loader to name what a field allows).
TAGS: dict[str, Any] = {
    "<text>": str,
    "<translations>": Translations,
    "<question>": WorkshopQuestion,
    "<from-set>": FromSet,
    "<from-practice>": FromPractice,
    "<one>": Language,
    "<several>": list[Language],
    **{f"<{kind}>": model for kind, model in STEP_MODELS.items()},
}


# --- the script ----------------------------------------------------------------------------------------


def _language_tag(value: Any) -> str:
    return "<several>" if isinstance(value, list) else "<one>"


def _languages_unique(languages: Any) -> Any:
    if isinstance(languages, list) and len(set(languages)) != len(languages):
        raise problem("a language is listed twice")
    return languages


LanguageSpec = Annotated[
    Annotated[Language, Tag("<one>")]
    | Annotated[list[Language], Field(min_length=1), AfterValidator(_languages_unique), Tag("<several>")],
    Discriminator(_language_tag),
]


class Workshop(_Model):
    """One workshop script."""

    id: Id
    title: Text
    language: LanguageSpec = "en"
    summary: Text | None = None
    duration: Annotated[int, Field(ge=1, le=24 * 60)] | None = None  # minutes in all
    audience: Text | None = None
    domain: Id | None = None  # the service domain the entries written in the workshop are filed under
    goals: list[Text] = Field(default_factory=list)
    facilitator_notes: Text | None = None
    # catalogue folders or files beside the script (relative to it): extra practices or question sets
    packs: list[str] = Field(default_factory=list)
    steps: Annotated[list[Step], Field(min_length=1)]

    @field_validator("packs")
    @classmethod
    def _relative(cls, packs: list[str]) -> list[str]:
        for index, pack in enumerate(packs):
            parts = pack.replace("\\", "/").split("/")
            if not pack.strip() or pack.startswith(("/", "~")) or ":" in parts[0] or ".." in parts:
                raise problem(
                    f"a pack is a folder or file beside the script, given relative to it"
                    f" (got {pack!r}; e.g. 'packs/team-practices')",
                    index,
                )
        return packs

    @property
    def languages(self) -> list[str]:
        return list(self.language) if isinstance(self.language, list) else [self.language]

    def run_language(self, preferred: str) -> str:
        """The language to run in: ``preferred`` when the script has it, else the script's first."""
        code = language_code(preferred)
        return code if code in self.languages else self.languages[0]

    def step(self, step_id: str) -> _Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        from encounters_cli.errors import NotFoundError

        raise NotFoundError(
            f"unknown step {step_id!r} (the steps are: {', '.join(step.id for step in self.steps)})"
        )

    def planned_minutes(self) -> int:
        """The steps' planned minutes added up (a timer without ``minutes`` counts its own length)."""
        total = 0.0
        for step in self.steps:
            if step.minutes is not None:
                total += step.minutes
            elif isinstance(step, TimerStep):
                total += step.timer.total_seconds / 60
        return round(total)


def script_languages(data: Any) -> list[str] | None:
    """The languages a raw script declares (``en`` when it says none); None when they are invalid."""
    raw = data.get("language", "en") if isinstance(data, dict) else None
    languages = raw if isinstance(raw, list) else [raw]
    if languages and all(lang in LANGUAGES for lang in languages) and len(set(languages)) == len(languages):
        return languages
    return None


def validate_workshop(data: Any) -> Workshop:
    """``data`` (a raw script) as a Workshop, with every text checked against the script's languages.

    Raises pydantic's ValidationError; ``workshop.loader`` turns it into located problems.
    """
    return Workshop.model_validate(data, context={"languages": script_languages(data)})


def json_schema() -> dict[str, Any]:
    """The script format as JSON Schema (draft 2020-12), for editors' completion and checking."""
    schema = Workshop.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "encounters workshop script",
        "description": "A workshop script for 'encounters workshop run' (see docs/workshops.md).",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }
