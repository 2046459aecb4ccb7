"""Printable material from a workshop script: a facilitator guide or a participant handout (core layer).

``build_handout`` turns a validated script and the catalogue into a plain ``Handout`` in one language
and for one audience; ``render_markdown`` and ``render_html`` write that out. What the participants
must not see (the facilitator's notes, the timings) is left out when the handout is built, so no
renderer can let it slip through.

The HTML page is one standalone file, like the insights report (``report/html.py``): inline CSS, no
scripts, no fonts, nothing fetched (a Content-Security-Policy forbids it), print styles for A4 that
keep a card, a role or a question on one page and print black on white. Every string reaches the
page through ``html.escape``; the Markdown of ``say`` steps is rendered as a small safe subset
(paragraphs, emphasis, lists) *after* escaping, so raw HTML in a script shows as text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from encounters_cli import __version__
from encounters_cli.i18n import translate

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue, Question
    from encounters_cli.workshop.models import Workshop

Audience = Literal["facilitator", "participants"]
AUDIENCES: tuple[str, ...] = ("facilitator", "participants")
FORMATS: tuple[str, ...] = ("md", "html")
WRITING_LINES = 4  # lines to write on under an open question in the participant handout

TEXTS: dict[str, dict[str, str]] = {
    "facilitator": {"en": "Facilitator guide", "fi": "Ohjaajan opas"},
    "participants": {"en": "Participant handout", "fi": "Osallistujan moniste"},
    "duration": {"en": "Duration", "fi": "Kesto"},
    "minutes": {"en": "{n} min", "fi": "{n} min"},
    "planned": {
        "en": "the steps' planned times add up to {n} min",
        "fi": "vaiheiden suunnitellut ajat ovat yhteensä {n} min",
    },
    "audience": {"en": "For", "fi": "Kenelle"},
    "languages": {"en": "Language", "fi": "Kieli"},
    "lang.en": {"en": "English", "fi": "englanti"},
    "lang.fi": {"en": "Finnish", "fi": "suomi"},
    "goals": {"en": "Goals", "fi": "Tavoitteet"},
    "facilitator_notes": {"en": "Notes for the facilitator", "fi": "Muistiinpanot ohjaajalle"},
    "agenda": {"en": "Agenda", "fi": "Aikataulu"},
    "time": {"en": "Time", "fi": "Aika"},
    "step": {"en": "Step", "fi": "Vaihe"},
    "length": {"en": "Minutes", "fi": "Minuutit"},
    "no_time": {"en": "no time set", "fi": "ei aikaa"},
    "steps": {"en": "Steps", "fi": "Vaiheet"},
    "notes": {"en": "For the facilitator", "fi": "Ohjaajalle"},
    "kind.say": {"en": "Talk", "fi": "Alustus"},
    "kind.practice": {"en": "Practice card", "fi": "Harjoituskortti"},
    "kind.choose": {"en": "Choice", "fi": "Valinta"},
    "kind.scenario": {"en": "Role-play", "fi": "Roolipeli"},
    "kind.ask": {"en": "Questions", "fi": "Kysymykset"},
    "kind.timer": {"en": "Discussion", "fi": "Keskustelu"},
    "kind.debrief": {"en": "Debrief", "fi": "Purku"},
    "card.why": {"en": "Why it matters", "fi": "Miksi tämä on tärkeää"},
    "card.steps": {"en": "Steps", "fi": "Näin toimit"},
    "card.values": {"en": "Values", "fi": "Arvot"},
    "card.before": {"en": "Before the encounter", "fi": "Ennen kohtaamista"},
    "card.after": {"en": "After the encounter", "fi": "Kohtaamisen jälkeen"},
    "choose.practice": {"en": "Choose a practice", "fi": "Valitse harjoitus"},
    "choose.value": {"en": "Choose a value", "fi": "Valitse arvo"},
    "choose.saved": {
        "en": "Each participant chooses in the tool; the choice is saved in their own journal.",
        "fi": "Jokainen osallistuja valitsee ohjelmassa; valinta tallentuu hänen omaan päiväkirjaansa.",
    },
    "ask.saved": {
        "en": "Each participant answers in the tool; the answers are saved in their own journal.",
        "fi": "Jokainen osallistuja vastaa ohjelmassa; vastaukset tallentuvat hänen omaan päiväkirjaansa.",
    },
    "scenario.situation": {"en": "Situation", "fi": "Tilanne"},
    "scenario.roles": {"en": "Roles", "fi": "Roolit"},
    "scenario.task": {"en": "Task", "fi": "Tehtävä"},
    "timer.length": {"en": "Timer: {length}", "fi": "Ajastin: {length}"},
    "timer.discuss": {"en": "Discuss", "fi": "Keskustelkaa"},
    "debrief.questions": {"en": "Questions for the group", "fi": "Kysymyksiä ryhmälle"},
    "scale": {"en": "Scale {low}–{high}", "fi": "Asteikko {low}–{high}"},
    "yes": {"en": "Yes", "fi": "Kyllä"},
    "no": {"en": "No", "fi": "Ei"},
    "choose_one": {"en": "choose one", "fi": "valitse yksi"},
    "choose_many": {"en": "choose any", "fi": "valitse yksi tai useampi"},
    "notes_space": {"en": "My notes", "fi": "Omat muistiinpanot"},
    "seconds": {"en": "{n} s", "fi": "{n} s"},
    "footer": {
        "en": "Made with encounters {version} from the workshop script '{id}'. This page loads nothing "
        "from the network.",
        "fi": "Tehty encounters-ohjelman versiolla {version} työpajan käsikirjoituksesta '{id}'. Sivu ei "
        "lataa mitään verkosta.",
    },
    "footer.md": {
        "en": "Made with encounters {version} from the workshop script '{id}'.",
        "fi": "Tehty encounters-ohjelman versiolla {version} työpajan käsikirjoituksesta '{id}'.",
    },
}


def _t(lang: str, key: str, **values: object) -> str:
    return translate(TEXTS, lang, key, **values)


# --- what a handout holds ---------------------------------------------------------------------------


@dataclass
class QuestionItem:
    prompt: str
    type: str  # the catalogue's question types: text, long_text, choice, multi_choice, scale, yes_no
    help: str | None = None
    options: list[str] = field(default_factory=list)  # labels, for choice and multi_choice
    low: int = 1
    high: int = 5
    anchors: dict[int, str] = field(default_factory=dict)


@dataclass
class CardItem:
    practice_id: str
    title: str
    summary: str
    why: str
    steps: list[str]
    values: list[str]  # names
    before: list[str]  # question prompts
    after: list[str]


@dataclass
class RoleItem:
    name: str
    brief: str


@dataclass
class ScenarioItem:
    title: str | None
    situation: str
    roles: list[RoleItem]
    task: str | None


@dataclass
class TimerItem:
    label: str
    seconds: int
    discuss: str | None


@dataclass
class StepItem:
    number: int
    id: str
    kind: str
    title: str
    start: int | None = None  # seconds from the start of the workshop; None in a participant handout
    length: int | None = None  # planned seconds; None when the script sets none (or for participants)
    notes: str | None = None  # the facilitator's; never set in a participant handout
    say: str | None = None  # Markdown
    card: CardItem | None = None
    choose_prompt: str | None = None
    choose_options: list[str] = field(default_factory=list)
    scenario: ScenarioItem | None = None
    questions: list[QuestionItem] = field(default_factory=list)
    timer: TimerItem | None = None
    debrief: list[str] = field(default_factory=list)


@dataclass
class Handout:
    workshop_id: str
    audience: Audience
    lang: str
    title: str
    summary: str | None
    audience_text: str | None
    duration: int | None  # minutes, as the script says
    planned: int | None  # minutes, the steps' planned times added up (facilitator only)
    goals: list[str]
    facilitator_notes: str | None
    steps: list[StepItem]


# --- building ---------------------------------------------------------------------------------------


def build_handout(workshop: Workshop, catalogue: Catalogue, lang: str, audience: Audience) -> Handout:
    """The handout's content in ``lang`` for ``audience``; names and cards come from ``catalogue``.

    ``catalogue`` must hold the script's packs (the loader layers them); an id it does not know is
    shown as the id rather than failing, since the loader has checked the references already.
    """
    from encounters_cli.workshop.models import text

    facilitator = audience == "facilitator"
    steps: list[StepItem] = []
    clock = 0
    for number, step in enumerate(workshop.steps, 1):
        item = _step(step, number, catalogue, lang)
        if facilitator:
            item.notes = text(step.notes, lang)
            item.start = clock
            item.length = _length(step)
            clock += item.length or 0
        steps.append(item)
    return Handout(
        workshop_id=workshop.id,
        audience=audience,
        lang=lang,
        title=text(workshop.title, lang) or workshop.id,
        summary=text(workshop.summary, lang),
        audience_text=text(workshop.audience, lang),
        duration=workshop.duration if facilitator else None,
        planned=workshop.planned_minutes() if facilitator else None,
        goals=[text(goal, lang) or "" for goal in workshop.goals],
        facilitator_notes=text(workshop.facilitator_notes, lang) if facilitator else None,
        steps=steps,
    )


def _length(step) -> int | None:
    """Planned seconds: the step's minutes, else a timer's own length, else none."""
    if step.minutes is not None:
        return step.minutes * 60
    timer = getattr(step, "timer", None)
    return timer.total_seconds if timer is not None else None


def _step(step, number: int, catalogue: Catalogue, lang: str) -> StepItem:
    from encounters_cli.workshop.models import text

    item = StepItem(number=number, id=step.id, kind=step.kind, title="")
    default = _t(lang, f"kind.{step.kind}")
    if step.kind == "say":
        item.say = text(step.say, lang)
    elif step.kind == "practice":
        item.card = _card(step.practice, catalogue, lang)
        default = f"{default}: {item.card.title}"
    elif step.kind == "choose":
        choice = step.choose
        item.choose_prompt = text(choice.prompt, lang) or _t(lang, f"choose.{choice.what}")
        item.choose_options = _choice_options(choice, catalogue, lang)
    elif step.kind == "scenario":
        scenario = step.scenario
        item.scenario = ScenarioItem(
            title=text(scenario.title, lang),
            situation=text(scenario.situation, lang) or "",
            roles=[RoleItem(text(r.name, lang) or "", text(r.brief, lang) or "") for r in scenario.roles],
            task=text(scenario.task, lang),
        )
        if item.scenario.title:
            default = f"{default}: {item.scenario.title}"
    elif step.kind == "ask":
        item.questions = [
            _question(question, catalogue, lang)
            for entry in step.ask
            for question in _asked(entry, catalogue, lang)
        ]
    elif step.kind == "timer":
        timer = step.timer
        item.timer = TimerItem(text(timer.label, lang) or "", timer.total_seconds, text(timer.discuss, lang))
    elif step.kind == "debrief":
        item.debrief = [text(question, lang) or "" for question in step.debrief]
    item.title = text(step.title, lang) or default
    return item


def _card(practice_id: str, catalogue: Catalogue, lang: str) -> CardItem:
    practice = catalogue.practices.get(practice_id)
    if practice is None:  # the loader checks references; shown as its id rather than failing here
        return CardItem(practice_id, practice_id, "", "", [], [], [], [])
    return CardItem(
        practice_id=practice.id,
        title=practice.title.get(lang),
        summary=practice.summary.get(lang),
        why=practice.why.get(lang),
        steps=[step.get(lang) for step in practice.steps],
        values=[_value_name(catalogue, value_id, lang) for value_id in practice.values],
        before=[question.prompt.get(lang) for question in practice.before],
        after=[question.prompt.get(lang) for question in practice.after],
    )


def _value_name(catalogue: Catalogue, value_id: str, lang: str) -> str:
    value = catalogue.values.get(value_id)
    return value.name.get(lang) if value else value_id


def _choice_options(choice, catalogue: Catalogue, lang: str) -> list[str]:
    """The names offered: the listed ids, else every practice, or every cornerstone and lifeline."""
    if choice.what == "practice":
        ids = choice.options or list(catalogue.practices)
        return [catalogue.practices[i].title.get(lang) if i in catalogue.practices else i for i in ids]
    ids = choice.options or [
        value.id for value in catalogue.values.values() if value.kind in ("cornerstone", "lifeline")
    ]
    return [_value_name(catalogue, value_id, lang) for value_id in ids]


def _asked(entry, catalogue: Catalogue, lang: str) -> list[Question]:
    """The catalogue questions one item of an ask step stands for, in order."""
    from encounters_cli.workshop.models import FromPractice, FromSet

    if isinstance(entry, FromSet):
        found = catalogue.question_sets.get(entry.set)
        questions = list(found.questions) if found else []
    elif isinstance(entry, FromPractice):
        practice = catalogue.practices.get(entry.practice)
        questions = list(getattr(practice, entry.phase)) if practice else []
    else:
        return [entry.resolved(lang)]
    if entry.only:
        questions = [question for question in questions if question.id in entry.only]
    return questions


def _question(question: Question, catalogue: Catalogue, lang: str) -> QuestionItem:
    item = QuestionItem(
        prompt=question.prompt.get(lang),
        type=question.type,
        help=question.help.get(lang) if question.help else None,
        low=question.min,
        high=question.max,
        anchors={point: label.get(lang) for point, label in (question.anchors or {}).items()},
    )
    if question.options is not None:
        item.options = [option.label.get(lang) for option in question.options]
    elif question.options_from is not None:
        item.options = _options_from(question.options_from, catalogue, lang)
    elif question.type == "yes_no":
        item.options = [_t(lang, "yes"), _t(lang, "no")]
    return item


def _options_from(source: str, catalogue: Catalogue, lang: str) -> list[str]:
    if source == "practices":
        return [practice.title.get(lang) for practice in catalogue.practices.values()]
    if source == "domains":
        return [domain.name.get(lang) for domain in catalogue.domains.values()]
    kinds = {"values": None, "lifelines": "lifeline", "cornerstones": "cornerstone", "outcomes": "outcome"}
    kind = kinds.get(source)
    return [value.name.get(lang) for value in catalogue.values.values() if kind is None or value.kind == kind]


# --- shared formatting ------------------------------------------------------------------------------


def clock(seconds: int) -> str:
    """'0:05', '1:30': hours and minutes from the start, rounded to the minute."""
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def span(item: StepItem) -> str:
    """'0:00–0:05' for a step with a planned length; '0:25' (its start only) for one without."""
    if item.start is None:
        return ""
    if item.length is None:
        return clock(item.start)
    return f"{clock(item.start)}–{clock(item.start + item.length)}"


def length_text(seconds: int | None, lang: str) -> str:
    if seconds is None:
        return _t(lang, "no_time")
    if seconds % 60 == 0 or seconds > 600:
        return _t(lang, "minutes", n=_number(round(seconds / 60, 1), lang))
    if seconds < 60:
        return _t(lang, "seconds", n=seconds)
    return _t(lang, "minutes", n=_number(round(seconds / 60, 1), lang))


def _number(value: float, lang: str) -> str:
    shown = f"{value:g}"
    return shown.replace(".", ",") if lang == "fi" else shown


def _meta(handout: Handout) -> list[str]:
    """The facts under the title: 'Duration: 90 min (the steps' planned times add up to 85 min)', 'For: …'."""
    lang = handout.lang
    out = []
    if handout.duration is not None or handout.planned:
        parts = []
        if handout.duration is not None:
            parts.append(_t(lang, "minutes", n=handout.duration))
        if handout.planned and handout.planned != handout.duration:
            planned = _t(lang, "planned", n=handout.planned)
            parts.append(f"({planned})" if parts else planned)
        out.append(f"{_t(lang, 'duration')}: {' '.join(parts)}")
    if handout.audience_text:
        out.append(f"{_t(lang, 'audience')}: {handout.audience_text}")
    return out


# --- Markdown ---------------------------------------------------------------------------------------


def render_markdown(handout: Handout) -> str:
    """The handout as Markdown: the script's own Markdown (say steps) as written but for raw HTML, which
    is escaped (``\\<``) so that a Markdown viewer shows it as text."""
    lang = handout.lang
    facilitator = handout.audience == "facilitator"
    out: list[str] = [f"# {handout.title}", "", f"*{_t(lang, handout.audience)}*", ""]
    for line in _meta(handout):
        out += [f"- {line}"]
    if _meta(handout):
        out.append("")
    if handout.summary:
        out += [handout.summary, ""]
    if handout.goals:
        out += [f"## {_t(lang, 'goals')}", ""] + [f"- {goal}" for goal in handout.goals] + [""]
    if handout.facilitator_notes:
        out += [f"## {_t(lang, 'facilitator_notes')}", "", handout.facilitator_notes, ""]
    if facilitator:
        out += [f"## {_t(lang, 'agenda')}", ""]
        out += [f"| {_t(lang, 'time')} | {_t(lang, 'step')} | {_t(lang, 'length')} |", "|---|---|---|"]
        for item in handout.steps:
            minutes = "" if item.length is None else _number(round(item.length / 60, 1), lang)
            out.append(f"| {span(item)} | {item.number}. {_cell(item.title)} | {minutes} |")
        out.append("")
    out += [f"## {_t(lang, 'steps')}", ""]
    for item in handout.steps:
        out += _md_step(item, handout)
    out += ["---", "", f"*{_t(lang, 'footer.md', version=__version__, id=handout.workshop_id)}*", ""]
    # We write no HTML of our own; a '<' from the script is escaped so that a viewer shows it as text
    return _RAW_HTML.sub(r"\\<", "\n".join(out))


_RAW_HTML = re.compile(r"(?<!\\)<")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_step(item: StepItem, handout: Handout) -> list[str]:
    lang = handout.lang
    facilitator = handout.audience == "facilitator"
    heading = f"### {item.number}. {item.title}"
    out = [heading, ""]
    if facilitator:
        out += [f"*{span(item)} · {length_text(item.length, lang)} · {_t(lang, 'kind.' + item.kind)}*", ""]
    if item.notes:
        out += [
            f"> **{_t(lang, 'notes')}:**",
            *[f"> {line}" if line else ">" for line in item.notes.splitlines()],
            "",
        ]
    if item.say:
        out += [item.say, ""]
    if item.card:
        out += _md_card(item.card, lang, titled=item.card.title not in item.title)
    if item.choose_prompt:
        out += [f"**{item.choose_prompt}**", ""]
        box = "- [ ] " if not facilitator else "- "
        out += [f"{box}{option}" for option in item.choose_options] + [""]
        if facilitator:
            out += [f"*{_t(lang, 'choose.saved')}*", ""]
    if item.scenario:
        out += _md_scenario(item.scenario, lang)
    if item.questions:
        for number, question in enumerate(item.questions, 1):
            out += _md_question(number, question, lang, writing=not facilitator)
        if facilitator:
            out += [f"*{_t(lang, 'ask.saved')}*", ""]
    if item.timer:
        timer = item.timer
        out += [f"**{timer.label}**", ""]
        if facilitator:
            out += [_t(lang, "timer.length", length=length_text(timer.seconds, lang)), ""]
        if timer.discuss:
            out += [f"{_t(lang, 'timer.discuss')}: {timer.discuss}", ""]
            if not facilitator:
                out += _md_lines()
    if item.debrief:
        out += [f"**{_t(lang, 'debrief.questions')}**", ""]
        for number, question in enumerate(item.debrief, 1):
            out += [f"{number}. {question}"]
            if not facilitator:
                out += ["", *_md_lines(2)]
        out.append("")
    return out


def _md_lines(count: int = WRITING_LINES) -> list[str]:
    # A line of underscores alone: a line to write on in the raw text, and a rule (still one) rendered
    out = []
    for _ in range(count):
        out += ["_" * 40, ""]
    return out


def _md_card(card: CardItem, lang: str, *, titled: bool) -> list[str]:
    out = [f"#### {card.title}", ""] if titled else []
    if card.summary:
        out += [card.summary, ""]
    if card.why:
        out += [f"**{_t(lang, 'card.why')}:** {card.why}", ""]
    if card.steps:
        out += [f"**{_t(lang, 'card.steps')}**", ""]
        out += [f"{number}. {step}" for number, step in enumerate(card.steps, 1)] + [""]
    if card.values:
        out += [f"**{_t(lang, 'card.values')}:** {', '.join(card.values)}", ""]
    for key, questions in (("card.before", card.before), ("card.after", card.after)):
        if questions:
            out += [f"**{_t(lang, key)}**", ""] + [f"- {question}" for question in questions] + [""]
    return out


def _md_scenario(scenario: ScenarioItem, lang: str) -> list[str]:
    out = [f"**{_t(lang, 'scenario.situation')}:** {scenario.situation}", ""]
    out += [f"**{_t(lang, 'scenario.roles')}**", ""]
    out += [f"- **{role.name}:** {role.brief}" for role in scenario.roles] + [""]
    if scenario.task:
        out += [f"**{_t(lang, 'scenario.task')}:** {scenario.task}", ""]
    return out


def _md_question(number: int, question: QuestionItem, lang: str, *, writing: bool) -> list[str]:
    out = [f"**{number}. {question.prompt}**", ""]
    if question.help:
        out += [f"*{question.help}*", ""]
    if question.type in ("choice", "multi_choice", "yes_no"):
        hint = _t(lang, "choose_many" if question.type == "multi_choice" else "choose_one")
        out += [f"({hint})", ""]
        out += [f"- [ ] {option}" for option in question.options] + [""]
    elif question.type == "scale":
        out += [_t(lang, "scale", low=question.low, high=question.high), ""]
        if writing:
            out += ["   ".join(f"☐ {point}" for point in range(question.low, question.high + 1)), ""]
        for point, label in sorted(question.anchors.items()):
            out += [f"- {point} = {label}"]
        if question.anchors:
            out.append("")
    elif writing:
        out += _md_lines(WRITING_LINES if question.type == "long_text" else 2)
    return out


# --- HTML -------------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 48rem; padding: 2rem 1.5rem 3rem; color: #111; background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px; line-height: 1.5; overflow-wrap: anywhere; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid #111; }
h3 { font-size: 1.15rem; margin: 0 0 .3rem; }
h4 { font-size: 1rem; margin: .8rem 0 .2rem; }
p { margin: .4rem 0; }
ul, ol { margin: .3rem 0 .6rem; padding-left: 1.4rem; }
li { margin: .15rem 0; }
.kind { font-size: .85rem; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: #444; }
.hint { font-size: .9rem; font-style: italic; color: #333; }
.meta { margin: .2rem 0 1rem; padding: 0; list-style: none; color: #333; }
.when { font-weight: 600; color: #333; margin: 0 0 .4rem; }
.step { margin: 1.6rem 0; padding-top: .8rem; border-top: 1px solid #999; }
.notes { margin: .6rem 0; padding: .5rem .8rem; border-left: 4px solid #444; background: #f3f3f3; }
.notes p:first-child { margin-top: 0; }
.card, .scenario, .role, .question, .timer, .choose { break-inside: avoid; page-break-inside: avoid; }
.card { margin: .6rem 0; padding: .8rem 1rem; border: 2px solid #111; border-radius: 6px; }
.card h4 { margin-top: 0; font-size: 1.15rem; }
.card .summary { font-style: italic; }
.scenario { margin: .6rem 0; padding: .6rem .9rem; border: 1px dashed #111; }
.role { margin: .4rem 0; }
.question { margin: .8rem 0; }
.question .prompt { font-weight: 600; }
.question .help { color: #333; font-style: italic; margin: .1rem 0; }
.options { list-style: none; padding-left: .2rem; }
.options li::before { content: "\\2610\\00a0\\00a0"; }
.scale { display: flex; gap: 1.4rem; margin: .3rem 0; }
.scale span::before { content: "\\25cb\\00a0"; }
.lines { margin: .3rem 0 .6rem; }
.lines span { display: block; height: 2rem; border-bottom: 1px solid #111; }
table.agenda { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
table.agenda th, table.agenda td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #bbb;
  vertical-align: top; }
table.agenda td.num, table.agenda th.num { text-align: right; white-space: nowrap; }
table.agenda td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
footer { margin-top: 2.5rem; padding-top: .5rem; border-top: 1px solid #999; color: #333; font-size: .85rem; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html, body { background: #fff !important; color: #000 !important; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { color: #000 !important; background: transparent !important; box-shadow: none !important; }
  .card, .scenario, .notes, .lines span, table.agenda th, table.agenda td { border-color: #000 !important; }
  h1, h2, h3, h4, .kind, .when { break-after: avoid; page-break-after: avoid; }
  .card, .scenario, .role, .question, .timer, .choose, .notes, tr { break-inside: avoid;
    page-break-inside: avoid; }
  .step { break-before: auto; }
  footer { break-inside: avoid; }
}
"""

# Nothing may be fetched: no scripts, fonts, frames, images, forms or base URL.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def esc(text: str | None) -> str:
    """Text for the page: control characters shown as escapes, then HTML-escaped (quotes too)."""
    if not text:
        return ""
    return html.escape(_CONTROL.sub(lambda m: ascii(m.group())[1:-1], text), quote=True)


def render_html(handout: Handout) -> str:
    """The handout as one standalone HTML page."""
    lang = handout.lang
    facilitator = handout.audience == "facilitator"
    kind = _t(lang, handout.audience)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',  # our constant: no quotes to escape
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(handout.title)} – {esc(kind)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        f'<body data-audience="{esc(handout.audience)}">',
        "<header>",
        f'<p class="kind">{esc(kind)}</p>',
        f"<h1>{esc(handout.title)}</h1>",
    ]
    meta = _meta(handout)
    if meta:
        parts.append('<ul class="meta">' + "".join(f"<li>{esc(line)}</li>" for line in meta) + "</ul>")
    if handout.summary:
        parts.append(f'<p class="summary">{esc(handout.summary)}</p>')
    parts.append("</header>")
    if handout.goals:
        parts.append(f"<h2>{esc(_t(lang, 'goals'))}</h2>")
        parts.append("<ul>" + "".join(f"<li>{esc(goal)}</li>" for goal in handout.goals) + "</ul>")
    if handout.facilitator_notes:
        parts.append(f"<h2>{esc(_t(lang, 'facilitator_notes'))}</h2>")
        parts.append(f'<div class="notes">{markdown_html(handout.facilitator_notes)}</div>')
    if facilitator:
        parts += _html_agenda(handout)
    parts.append(f"<h2>{esc(_t(lang, 'steps'))}</h2>")
    for item in handout.steps:
        parts.append(_html_step(item, handout))
    parts.append(f"<footer>{esc(_t(lang, 'footer', version=__version__, id=handout.workshop_id))}</footer>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _html_agenda(handout: Handout) -> list[str]:
    lang = handout.lang
    rows = [
        f"<h2>{esc(_t(lang, 'agenda'))}</h2>",
        '<table class="agenda">',
        f"<thead><tr><th>{esc(_t(lang, 'time'))}</th><th>{esc(_t(lang, 'step'))}</th>"
        f'<th class="num">{esc(_t(lang, "length"))}</th></tr></thead>',
        "<tbody>",
    ]
    for item in handout.steps:
        minutes = "" if item.length is None else _number(round(item.length / 60, 1), lang)
        rows.append(
            f'<tr><td class="time">{esc(span(item))}</td><td>{item.number}. {esc(item.title)}</td>'
            f'<td class="num">{esc(minutes)}</td></tr>'
        )
    rows += ["</tbody>", "</table>"]
    return rows


def _html_step(item: StepItem, handout: Handout) -> str:
    lang = handout.lang
    facilitator = handout.audience == "facilitator"
    kind = _t(lang, "kind." + item.kind)
    out = [f'<section class="step step-{esc(item.kind)}" id="step-{esc(item.id)}">']
    if not item.title.startswith(kind):  # a title of the trainer's own: say what kind of step it is
        out.append(f'<p class="kind">{esc(kind)}</p>')
    out.append(f"<h3>{item.number}. {esc(item.title)}</h3>")
    if facilitator:
        out.append(f'<p class="when">{esc(span(item))} · {esc(length_text(item.length, lang))}</p>')
    if item.notes:
        out.append(
            f'<div class="notes"><p><strong>{esc(_t(lang, "notes"))}:</strong></p>'
            f"{markdown_html(item.notes)}</div>"
        )
    if item.say:
        out.append(f'<div class="say">{markdown_html(item.say)}</div>')
    if item.card:
        out.append(_html_card(item.card, lang))
    if item.choose_prompt:
        out.append('<div class="choose">')
        out.append(f'<p class="prompt"><strong>{esc(item.choose_prompt)}</strong></p>')
        cls = "" if facilitator else ' class="options"'
        out.append(f"<ul{cls}>" + "".join(f"<li>{esc(o)}</li>" for o in item.choose_options) + "</ul>")
        if facilitator:
            out.append(f'<p class="hint">{esc(_t(lang, "choose.saved"))}</p>')
        out.append("</div>")
    if item.scenario:
        out.append(_html_scenario(item.scenario, lang))
    for number, question in enumerate(item.questions, 1):
        out.append(_html_question(number, question, lang, writing=not facilitator))
    if item.questions and facilitator:
        out.append(f'<p class="hint">{esc(_t(lang, "ask.saved"))}</p>')
    if item.timer:
        timer = item.timer
        out.append('<div class="timer">')
        out.append(f"<p><strong>{esc(timer.label)}</strong></p>")
        if facilitator:
            out.append(f"<p>{esc(_t(lang, 'timer.length', length=length_text(timer.seconds, lang)))}</p>")
        if timer.discuss:
            out.append(f"<p>{esc(_t(lang, 'timer.discuss'))}: {esc(timer.discuss)}</p>")
            if not facilitator:
                out.append(_html_lines())
        out.append("</div>")
    if item.debrief:
        out.append(f"<h4>{esc(_t(lang, 'debrief.questions'))}</h4>")
        out.append("<ol>")
        for question in item.debrief:
            lines = _html_lines(2) if not facilitator else ""
            out.append(f'<li class="question">{esc(question)}{lines}</li>')
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


def _html_lines(count: int = WRITING_LINES) -> str:
    return '<div class="lines" aria-hidden="true">' + "<span></span>" * count + "</div>"


def _html_card(card: CardItem, lang: str) -> str:
    out = [f'<div class="card" id="card-{esc(card.practice_id)}">', f"<h4>{esc(card.title)}</h4>"]
    if card.summary:
        out.append(f'<p class="summary">{esc(card.summary)}</p>')
    if card.why:
        out.append(f"<p><strong>{esc(_t(lang, 'card.why'))}:</strong> {esc(card.why)}</p>")
    if card.steps:
        out.append(f"<p><strong>{esc(_t(lang, 'card.steps'))}</strong></p>")
        out.append("<ol>" + "".join(f"<li>{esc(step)}</li>" for step in card.steps) + "</ol>")
    if card.values:
        out.append(f"<p><strong>{esc(_t(lang, 'card.values'))}:</strong> {esc(', '.join(card.values))}</p>")
    for key, questions in (("card.before", card.before), ("card.after", card.after)):
        if questions:
            out.append(f"<p><strong>{esc(_t(lang, key))}</strong></p>")
            out.append("<ul>" + "".join(f"<li>{esc(q)}</li>" for q in questions) + "</ul>")
    out.append("</div>")
    return "\n".join(out)


def _html_scenario(scenario: ScenarioItem, lang: str) -> str:
    out = ['<div class="scenario">']
    out.append(f"<p><strong>{esc(_t(lang, 'scenario.situation'))}:</strong> {esc(scenario.situation)}</p>")
    out.append(f"<p><strong>{esc(_t(lang, 'scenario.roles'))}</strong></p>")
    for role in scenario.roles:
        out.append(f'<div class="role"><p><strong>{esc(role.name)}:</strong> {esc(role.brief)}</p></div>')
    if scenario.task:
        out.append(f"<p><strong>{esc(_t(lang, 'scenario.task'))}:</strong> {esc(scenario.task)}</p>")
    out.append("</div>")
    return "\n".join(out)


def _html_question(number: int, question: QuestionItem, lang: str, *, writing: bool) -> str:
    out = ['<div class="question">', f'<p class="prompt">{number}. {esc(question.prompt)}</p>']
    if question.help:
        out.append(f'<p class="help">{esc(question.help)}</p>')
    if question.type in ("choice", "multi_choice", "yes_no"):
        hint = _t(lang, "choose_many" if question.type == "multi_choice" else "choose_one")
        out.append(f'<p class="help">({esc(hint)})</p>')
        out.append('<ul class="options">' + "".join(f"<li>{esc(o)}</li>" for o in question.options) + "</ul>")
    elif question.type == "scale":
        out.append(f"<p>{esc(_t(lang, 'scale', low=question.low, high=question.high))}</p>")
        if writing:
            points = "".join(f"<span>{point}</span>" for point in range(question.low, question.high + 1))
            out.append(f'<div class="scale">{points}</div>')
        if question.anchors:
            out.append(
                "<ul>"
                + "".join(
                    f"<li>{point} = {esc(label)}</li>" for point, label in sorted(question.anchors.items())
                )
                + "</ul>"
            )
    elif writing:
        out.append(_html_lines(WRITING_LINES if question.type == "long_text" else 2))
    out.append("</div>")
    return "\n".join(out)


# --- a safe subset of Markdown ---------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def markdown_html(source: str) -> str:
    """Paragraphs, bulleted and numbered lists, **strong**, *emphasis*, `code` and headings (as bold
    paragraphs). The text is escaped first and only these tags are added, so no HTML in a script
    reaches the page as HTML; a link shows as its text and address, never as a link to follow.
    """
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>" for line in lines)  # type: ignore[union-attr]
            blocks.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.match(line).group(1))}</li>" for line in lines)  # type: ignore[union-attr]
            blocks.append(f"<ol>{items}</ol>")
        elif len(lines) == 1 and _HEADING.match(lines[0]):
            blocks.append(f"<p><strong>{_inline(_HEADING.match(lines[0]).group(1))}</strong></p>")  # type: ignore[union-attr]
        else:
            # a line break inside a paragraph is a space, as in Markdown: scripts wrap lines for the editor
            blocks.append("<p>" + "\n".join(_inline(line.strip()) for line in lines) + "</p>")
    return "\n".join(blocks)


def _inline(text: str) -> str:
    out = esc(text)
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    out = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", out)
    out = _STRONG.sub(lambda m: f"<strong>{m.group(2)}</strong>", out)
    return _EM.sub(lambda m: f"<em>{m.group(2)}</em>", out)
