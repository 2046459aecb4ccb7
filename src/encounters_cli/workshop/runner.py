"""Run a workshop script for one participant: show each step, ask, save as the steps complete.

The runner never touches a terminal. What is *shown* goes to a ``WorkshopView`` (the CLI draws it
with Rich; a test records it); what is *asked* goes through the coach's ``Conversation``s, one per
step (``workshop.answers``), so a person, an answers file and a test script answer alike.

What is saved, as it happens:

- the run (``WorkshopRun``) when it starts and again after every completed step, so a run that is
  stopped keeps the steps it completed; it is finished when ``finished_at`` is set;
- each ``ask`` step's answers as one journal entry (status ``logged``, tagged with the workshop id
  and the step id; values and ratings taken from questions with those roles, as the coach does);
- each ``choose`` step's choice as one entry tagged with the chosen practice (and its values) or
  the chosen value.

Ctrl-C (KeyboardInterrupt) or end of input (EOFError) stops the run: what was answered is kept,
including the answers so far of the step it stopped in, and ``InterruptedFlow`` is raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from encounters_cli.errors import InterruptedFlow
from encounters_cli.i18n import translate
from encounters_cli.storage.records import Answer, Encounter, WorkshopRun, utcnow
from encounters_cli.workshop.models import (
    AskStep,
    ChooseStep,
    DebriefStep,
    FromPractice,
    PracticeStep,
    SayStep,
    ScenarioStep,
    TimerStep,
    text,
)
from encounters_cli.workshop.questions import ask_questions, choose_question

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Practice
    from encounters_cli.coach.answers import Asked
    from encounters_cli.storage.journal import Store
    from encounters_cli.workshop.answers import StepAnswers
    from encounters_cli.workshop.loader import LoadedWorkshop
    from encounters_cli.workshop.models import Workshop, _Step

KIND_NAMES = {
    "say": {"en": "Introduction", "fi": "Alustus"},
    "practice": {"en": "Practice", "fi": "Harjoitus"},
    "choose": {"en": "Choice", "fi": "Valinta"},
    "scenario": {"en": "Role-play", "fi": "Roolipeli"},
    "ask": {"en": "Questions", "fi": "Kysymykset"},
    "timer": {"en": "Discussion", "fi": "Keskustelu"},
    "debrief": {"en": "Debrief", "fi": "Purku"},
}


def kind_name(kind: str, lang: str) -> str:
    return translate(KIND_NAMES, lang, kind)


# --- what the view is given ------------------------------------------------------------------------


@dataclass
class StepHeader:
    number: int  # 1-based, counted over the whole script (also when started with --from)
    total: int
    step_id: str
    kind: str
    kind_name: str  # in the run's language
    title: str | None
    minutes: int | None
    notes: str | None  # for the facilitator


@dataclass
class ScenarioText:
    title: str | None
    situation: str
    roles: list[tuple[str, str]]  # (name, brief)
    task: str | None


@dataclass
class TimerText:
    label: str
    discuss: str | None
    seconds: int


class WorkshopView(Protocol):
    """What a run shows. Methods that wait (``timer``, ``pause``) may raise KeyboardInterrupt or EOFError."""

    def begin(self, workshop: Workshop, lang: str, run: WorkshopRun, first: int) -> None: ...

    def step(self, header: StepHeader) -> None: ...

    def say(self, markdown: str) -> None: ...

    def practice(self, practice: Practice, with_questions: bool) -> None: ...

    def scenario(self, scenario: ScenarioText) -> None: ...

    def debrief(self, questions: list[str]) -> None: ...

    def timer(self, timer: TimerText, countdown: bool) -> None:
        """Count ``timer.seconds`` down (the person may end it early); only show it without ``countdown``."""

    def pause(self) -> None:
        """Let the group take in what was shown before the next step (a terminal waits for Enter)."""

    def saved(self, encounter: Encounter) -> None: ...

    def end(self, run: WorkshopRun, interrupted: bool) -> None: ...


# --- the run ---------------------------------------------------------------------------------------


@dataclass
class Runner:
    loaded: LoadedWorkshop
    store: Store
    view: WorkshopView
    answers: StepAnswers
    lang: str
    participant: str | None = None
    timers: bool = True
    saved: list[Encounter] = field(default_factory=list)

    @property
    def workshop(self) -> Workshop:
        return self.loaded.workshop

    def run(self, start: str | None = None) -> WorkshopRun:
        """Run from the first step, or from step ``start``; returns the finished run."""
        steps = self.workshop.steps
        first = steps.index(self.workshop.step(start)) if start else 0  # NotFoundError lists the ids
        run = WorkshopRun(
            id=self.store.new_id(),
            workshop_id=self.workshop.id,
            title=text(self.workshop.title, self.lang) or self.workshop.id,
            lang=self.lang,
            participant=self.participant,
        )
        self.store.save_workshop_run(run)
        self.view.begin(self.workshop, self.lang, run, first)
        try:
            for number, step in enumerate(steps[first:], first + 1):
                self.view.step(self.header(step, number, len(steps)))
                self.do(step)
                run.steps.append(step.id)
                self.store.save_workshop_run(run)
        except (KeyboardInterrupt, EOFError) as stop:
            self.view.end(run, interrupted=True)
            done = len(run.steps)
            raise InterruptedFlow(
                f"stopped; {done} completed step{'' if done == 1 else 's'} and the answers so far are kept"
            ) from stop
        run.finished_at = utcnow()
        self.store.save_workshop_run(run)
        self.view.end(run, interrupted=False)
        return run

    def header(self, step: _Step, number: int, total: int) -> StepHeader:
        title = text(step.title, self.lang)
        if title is None and isinstance(step, PracticeStep):
            title = self.loaded.catalogue.practice(step.practice).title.get(self.lang)
        if title is None and isinstance(step, ScenarioStep):
            title = text(step.scenario.title, self.lang)
        if title is None and isinstance(step, TimerStep):
            title = text(step.timer.label, self.lang)
        return StepHeader(
            number=number,
            total=total,
            step_id=step.id,
            kind=step.kind,
            kind_name=kind_name(step.kind, self.lang),
            title=title,
            minutes=step.minutes,
            notes=text(step.notes, self.lang),
        )

    def do(self, step: _Step) -> None:
        lang, view = self.lang, self.view
        if isinstance(step, SayStep):
            view.say(text(step.say, lang) or "")
            view.pause()
        elif isinstance(step, PracticeStep):
            view.practice(self.loaded.catalogue.practice(step.practice), step.questions)
            view.pause()
        elif isinstance(step, ScenarioStep):
            scenario = step.scenario
            view.scenario(
                ScenarioText(
                    title=text(scenario.title, lang),
                    situation=text(scenario.situation, lang) or "",
                    roles=[
                        (text(role.name, lang) or "", text(role.brief, lang) or "") for role in scenario.roles
                    ],
                    task=text(scenario.task, lang),
                )
            )
            view.pause()
        elif isinstance(step, DebriefStep):
            view.debrief([text(question, lang) or "" for question in step.debrief])
            view.pause()
        elif isinstance(step, TimerStep):
            timer = step.timer
            shown = TimerText(text(timer.label, lang) or "", text(timer.discuss, lang), timer.total_seconds)
            view.timer(shown, countdown=self.timers)
        elif isinstance(step, AskStep):
            self.ask(step)
        elif isinstance(step, ChooseStep):
            self.choose(step)

    # asking and saving

    def ask(self, step: AskStep) -> None:
        conversation = self.answers.for_step(step)
        questions = ask_questions(self.loaded.catalogue, step, self.lang)
        answered: dict[str, Any] = {}
        try:
            for asked in questions:
                answered[asked.id] = conversation.ask(asked)
            conversation.finish()
        except (KeyboardInterrupt, EOFError):
            if any(value is not None for value in answered.values()):
                self.keep(self.ask_entry(step, [q for q in questions if q.id in answered], answered))
            raise
        self.keep(self.ask_entry(step, questions, answered))

    def ask_entry(self, step: AskStep, questions: list[Asked], answered: dict[str, Any]) -> Encounter:
        now = utcnow()
        version = self.loaded.catalogue.version
        answers = [
            Answer(
                question_id=asked.id,
                phase=asked.phase,
                question=asked.prompt,
                question_type=asked.type,
                answer=answered.get(asked.id),
                catalogue_version=version,
                answered_at=now,
                role=asked.question.role,
            )
            for asked in questions
        ]
        values: list[str] = []
        ratings: dict[str, int] = {}
        label = None
        for asked in questions:
            value = answered.get(asked.id)
            role = asked.question.role
            if value is None:
                continue
            if role == "values":
                values += [item for item in value if item not in values]
            elif role == "rating" and asked.question.rates:
                ratings[asked.question.rates] = value
            elif role == "label" and label is None:
                label = value
        practices = list(dict.fromkeys(item.practice for item in step.ask if isinstance(item, FromPractice)))
        return self.entry(
            step, label=label, practices=practices, values=values, ratings=ratings, answers=answers
        )

    def choose(self, step: ChooseStep) -> None:
        conversation = self.answers.for_step(step)
        asked = choose_question(self.loaded.catalogue, step, self.lang)
        chosen = conversation.ask(asked)
        conversation.finish()
        if chosen is None:
            return
        catalogue = self.loaded.catalogue
        if step.choose.what == "practice":
            practices, values = [chosen], list(catalogue.practice(chosen).values)
        else:
            practices, values = [], [chosen]
        answer = Answer(
            question_id=step.id,
            phase=asked.phase,
            question=asked.prompt,
            question_type="choice",
            answer=chosen,
            catalogue_version=catalogue.version,
        )
        self.keep(
            self.entry(step, label=None, practices=practices, values=values, ratings={}, answers=[answer])
        )

    def entry(
        self,
        step: _Step,
        *,
        label: str | None,
        practices: list[str],
        values: list[str],
        ratings: dict[str, int],
        answers: list[Answer],
    ) -> Encounter:
        workshop = self.workshop
        if label is None:
            title = text(workshop.title, self.lang) or workshop.id
            step_title = text(step.title, self.lang) or step.id
            label = f"{title} · {step_title}"
        return Encounter(
            id=self.store.new_id(),
            status="logged",
            lang=self.lang,
            domain=workshop.domain,
            practices=practices,
            values=values,
            ratings=ratings,
            label=label,
            answers=answers,
            workshop=workshop.id,
            workshop_step=step.id,
        )

    def keep(self, encounter: Encounter) -> None:
        self.store.add(encounter)
        self.saved.append(encounter)
        self.view.saved(encounter)
