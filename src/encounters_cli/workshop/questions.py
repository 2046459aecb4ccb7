"""What each step of a script asks, in the run's language: the coach's ``Asked`` for every question.

An ``ask`` step brings its own questions, a question set's (all or ``only`` some) and a practice's
before or after questions (full ids ``<practice-id>.<question-id>``, as in the coach's answers
files). A ``choose`` step is one choice question whose id is the step id. The same ``Asked`` serve
the terminal, the answers file and ``workshop questions --json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from encounters_cli.catalogue.models import Localized, Question
from encounters_cli.coach.answers import Asked
from encounters_cli.i18n import translate
from encounters_cli.workshop.models import AskStep, ChooseStep, FromPractice, FromSet, text

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.workshop.loader import LoadedWorkshop

PHASE_OF_SET = {"prepare": "before", "reflect": "after", "quick": "quick"}
# Questions written into a script are asked in the workshop, looking back at practice: 'after'.
INLINE_PHASE = "after"

TEXTS = {
    "choose.practice": {
        "en": "Which practice will you try in your own work?",
        "fi": "Minkä harjoituksen otat käyttöön omassa työssäsi?",
    },
    "choose.value": {
        "en": "Which value do you want to pay attention to?",
        "fi": "Mihin arvoon haluat kiinnittää huomiota?",
    },
}


def ask_questions(catalogue: Catalogue, step: AskStep, lang: str) -> list[Asked]:
    """The step's questions in order, as asked in ``lang``."""
    found: list[Asked] = []
    for item in step.ask:
        if isinstance(item, FromSet):
            questions = catalogue.question_set(item.set).questions
            phase = PHASE_OF_SET.get(item.set, INLINE_PHASE)
            found += [
                _asked(catalogue, question, phase, lang)
                for question in questions
                if item.only is None or question.id in item.only
            ]
        elif isinstance(item, FromPractice):
            wanted = None if item.only is None else {f"{item.practice}.{qid}" for qid in item.only}
            found += [
                _asked(catalogue, question, item.phase, lang)
                for question in catalogue.practice_questions(item.practice, item.phase)
                if wanted is None or question.id in wanted
            ]
        else:
            found.append(_asked(catalogue, item.resolved(lang), INLINE_PHASE, lang))
    return found


def choose_options(catalogue: Catalogue, step: ChooseStep, lang: str) -> list[tuple[str, str]]:
    """(id, label) of what a participant can choose: the listed ids, else every practice or value."""
    choice = step.choose
    if choice.what == "practice":
        ids = choice.options or list(catalogue.practices)
        return [(item_id, catalogue.practice(item_id).title.get(lang)) for item_id in ids]
    ids = choice.options or [
        value.id for value in catalogue.values.values() if value.kind in ("cornerstone", "lifeline")
    ]
    return [(item_id, catalogue.value(item_id).name.get(lang)) for item_id in ids]


def choose_question(catalogue: Catalogue, step: ChooseStep, lang: str) -> Asked:
    choice = step.choose
    prompt = text(choice.prompt, lang) or translate(TEXTS, lang, f"choose.{choice.what}")
    question = Question.model_construct(
        id=step.id,
        type="choice",
        prompt=Localized.model_construct(en=prompt, fi=prompt),
        required=choice.required,
    )
    return Asked(
        id=step.id,
        phase=INLINE_PHASE,
        question=question,
        prompt=prompt,
        options=choose_options(catalogue, step, lang),
    )


def _asked(catalogue: Catalogue, question: Question, phase: str, lang: str) -> Asked:
    options = (
        [(option_id, label.get(lang)) for option_id, label in catalogue.options_for(question)]
        if question.type in ("choice", "multi_choice")
        else []
    )
    return Asked(
        id=question.id,
        phase=phase,
        question=question,
        prompt=question.prompt.get(lang),  # every participant reads the same words: no variants
        help=question.help.get(lang) if question.help is not None else None,
        options=options,
        anchors={point: label.get(lang) for point, label in (question.anchors or {}).items()},
    )


def describe(loaded: LoadedWorkshop, lang: str) -> list[dict[str, Any]]:
    """Every question of every step, for writing answers files by hand or by a script.

    In an answers file an ``ask`` step's answers go under ``<step id>: {<question id>: answer}``
    and a ``choose`` step's under ``<step id>: <chosen id>``.
    """
    catalogue = loaded.catalogue
    listing: list[dict[str, Any]] = []
    for step in loaded.workshop.steps:
        if isinstance(step, ChooseStep):
            asked = choose_question(catalogue, step, lang)
            listing.append(_describe(step.id, step.kind, None, asked))
        elif isinstance(step, AskStep):
            for asked in ask_questions(catalogue, step, lang):
                listing.append(_describe(step.id, step.kind, asked.id, asked))
    return listing


def _describe(step_id: str, kind: str, question_id: str | None, asked: Asked) -> dict[str, Any]:
    question = asked.question
    item: dict[str, Any] = {
        "step": step_id,
        "step_kind": kind,
        "question": question_id,
        "type": asked.type,
        "required": asked.required,
        "prompt": asked.prompt,
        "role": question.role,
        "options": [option_id for option_id, _ in asked.options] if asked.options else None,
    }
    if asked.type == "scale":
        item["min"], item["max"] = question.min, question.max
    if question.rates:
        item["rates"] = question.rates
    return item
