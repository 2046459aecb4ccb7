"""The guided flows: prepare before an encounter, reflect after it, log in one step.

Flows ask through a Conversation and never touch a terminal. Ctrl-C or end of input in the middle
keeps the answers so far as a draft that the next prepare/reflect offers to resume.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from encounters_cli.coach.answers import Asked, checked_text, pick_wording
from encounters_cli.coach.conversation import (
    Conversation,
    DraftResumed,
    DraftSaved,
    EncounterSaved,
    PracticeShown,
    Resurfaced,
    SuggestionsShown,
    review_identifiers,
)
from encounters_cli.coach.suggest import recent_value_counts, suggest
from encounters_cli.errors import AnswerError, EncountersError, InterruptedFlow, NotFoundError
from encounters_cli.storage.records import Answer, Draft, Encounter, Filter, NextStep, utcnow

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue, Localized, Question
    from encounters_cli.privacy.nudge import Nudge
    from encounters_cli.storage.journal import Store

LAST_DOMAIN_KEY = "last_domain"
FOLLOW_UP = "follow-up"  # reflect's question: which earlier next step this encounter followed up
NEW = "new"
NONE = "none"
# Practice questions go before the first of these roles in a set, so the set still ends as designed.
CLOSING_ROLES = ("values", "rating", "next_step")


@dataclass
class Coach:
    """What every flow needs: the catalogue, the journal and the content language."""

    catalogue: Catalogue
    store: Store
    lang: str
    nudge: bool = True  # check free-text answers for identifiers (config: nudge = false turns it off)

    def text(self, localized: Localized | None) -> str | None:
        return localized.get(self.lang) if localized is not None else None

    def nudger(self) -> Nudge | None:
        """A Nudge with the person's always-scrub names for one flow, or None when the nudge is off."""
        if not self.nudge:
            return None
        from encounters_cli.privacy.nudge import Nudge

        return Nudge(self.store.scrub_names())


@dataclass
class _Progress:
    """Answers so far; becomes a Draft on interrupt and an Encounter on completion."""

    flow: str
    domain: str | None = None
    practice: str | None = None
    encounter_id: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    draft_id: str | None = None

    def to_draft(self, lang: str) -> Draft:
        from encounters_cli.storage.journal import Store

        data = {
            "domain": self.domain,
            "practice": self.practice,
            "encounter_id": self.encounter_id,
            "lang": lang,
            "answers": self.answers,
        }
        return Draft(id=self.draft_id or Store.new_id(), flow=self.flow, data=data)

    @classmethod
    def from_draft(cls, draft: Draft) -> _Progress:
        data = draft.data
        return cls(
            flow=draft.flow,
            domain=data.get("domain"),
            practice=data.get("practice"),
            encounter_id=data.get("encounter_id"),
            answers=dict(data.get("answers") or {}),
            draft_id=draft.id,
        )

    def started(self) -> bool:
        return bool(self.answers) or self.domain is not None or self.practice is not None


# --- the questions the flows make up themselves ---------------------------------------------------


def _flow_question(question_id: str, kind: str, en: str, fi: str, *, required: bool = False) -> Question:
    from encounters_cli.catalogue.models import Localized, Option, Question

    # options are filled in per ask (Asked.options); one placeholder satisfies the model's rule
    options = [Option(id="placeholder", label=Localized(en="-", fi="-"))] if "choice" in kind else None
    return Question(
        id=question_id, type=kind, prompt=Localized(en=en, fi=fi), required=required, options=options
    )


def _ask_choice(
    conversation: Conversation,
    question_id: str,
    en: str,
    fi: str,
    lang: str,
    options: list[tuple[str, str]],
    default: str | None = None,
    show_first: int | None = None,
    show_ids: bool = True,
) -> str | None:
    question = _flow_question(question_id, "choice", en, fi)
    asked = Asked(
        id=question_id,
        phase="",
        question=question,
        prompt=question.prompt.get(lang),
        options=options,
        default=default,
        show_first=show_first,
        show_ids=show_ids,
    )
    return conversation.ask(asked)


# --- shared steps ---------------------------------------------------------------------------------


def _ask_draft_action(coach: Coach, conversation: Conversation, flow: str, answered: int) -> str | None:
    return _ask_choice(
        conversation,
        "draft",
        f"You have an unfinished {flow} ({answered} answers). Resume it?",
        f"Sinulla on kesken jäänyt {'valmistautuminen' if flow == 'prepare' else 'reflektointi'} "
        f"({answered} vastausta). Jatketaanko sitä?",
        coach.lang,
        [
            ("resume", "resume" if coach.lang == "en" else "jatka"),
            ("discard", "discard" if coach.lang == "en" else "hylkää"),
            ("later", "keep it for later" if coach.lang == "en" else "säästä myöhemmäksi"),
        ],
        default="resume",
        show_ids=False,
    )


def _offer_draft(
    coach: Coach, conversation: Conversation, flow: str, encounter_id: str | None = None
) -> _Progress | None:
    """Offer the latest draft of ``flow``; with ``encounter_id``, only a draft about that encounter."""
    if not conversation.interactive:
        return None
    drafts = coach.store.list_drafts(flow)
    if encounter_id is not None:  # a draft about another encounter must not leak its answers into this one
        wanted = None if encounter_id == NEW else encounter_id
        drafts = [draft for draft in drafts if draft.data.get("encounter_id") == wanted]
    if not drafts:
        return None
    draft = drafts[0]
    answered = len(draft.data.get("answers") or {})
    try:
        choice = _ask_draft_action(coach, conversation, flow, answered)
    except (KeyboardInterrupt, EOFError) as stop:  # nothing new to keep: the draft stays as it was
        raise InterruptedFlow("stopped; the draft is kept") from stop
    if choice == "discard":
        coach.store.delete_draft(draft.id)
        return None
    if choice == "resume":
        conversation.tell(DraftResumed(draft))
        return _Progress.from_draft(draft)
    return None


def _choose_domain(coach: Coach, conversation: Conversation, given: str | None) -> str:
    catalogue = coach.catalogue
    if given is not None:
        catalogue.domain(given)  # NotFoundError names the valid ids
        return given
    last = coach.store.get_meta(LAST_DOMAIN_KEY)
    options = [(domain.id, domain.name.get(coach.lang)) for domain in catalogue.domains.values()]
    chosen = _ask_choice(
        conversation,
        "domain",
        "Where is the encounter?",
        "Missä kohtaaminen tapahtuu?",
        coach.lang,
        options,
        default=last if last in catalogue.domains else None,
    )
    return chosen or "other"


def _choose_practice(
    coach: Coach, conversation: Conversation, domain: str | None, given: str | None, *, suggest_first: bool
) -> str | None:
    catalogue = coach.catalogue
    if given is not None:
        if given == NONE:
            return None
        catalogue.practice(given)
        return given
    none_label = "no practice this time" if coach.lang == "en" else "ei harjoitusta tällä kertaa"
    suggested: list[str] = []
    if suggest_first:
        counts, window = recent_value_counts(coach.store)
        suggestions = suggest(catalogue, counts, window, domain)
        conversation.tell(SuggestionsShown(domain, suggestions))
        suggested = [item.practice.id for item in suggestions]
    rest = [p.id for p in catalogue.practices_for_domain(domain) if p.id not in suggested]
    options = [(pid, catalogue.practice(pid).title.get(coach.lang)) for pid in suggested]
    options.append((NONE, none_label))
    options += [(pid, catalogue.practice(pid).title.get(coach.lang)) for pid in rest]
    if suggest_first:
        chosen = _ask_choice(
            conversation,
            "practice",
            "Which practice will you try?",
            "Minkä harjoituksen otat käyttöön?",
            coach.lang,
            options,
            # an answers file without 'practice' gets none: what it is asked must not hang on suggestions
            default=suggested[0] if suggested and conversation.interactive else None,
            show_first=len(suggested) + 1,  # the others stay reachable by number or id
        )
    else:
        chosen = _ask_choice(
            conversation,
            "practice",
            "Did you use one of the practices?",
            "Käytitkö jotakin harjoitusta?",
            coach.lang,
            options,
            default=NONE,
        )
    return None if chosen in (None, NONE) else chosen


def flow_questions(catalogue: Catalogue, set_id: str, practice_id: str | None, phase: str) -> list[Question]:
    """The set's questions with the practice's own ones inserted before the closing questions."""
    questions = list(catalogue.question_set(set_id).questions)
    if practice_id is None:
        return questions
    extra = catalogue.practice_questions(practice_id, phase)
    cut = next((i for i, q in enumerate(questions) if q.role in CLOSING_ROLES), len(questions))
    return questions[:cut] + extra + questions[cut:]


def _asked(coach: Coach, question: Question, phase: str, turn: int) -> Asked:
    options = (
        [(option_id, label.get(coach.lang)) for option_id, label in coach.catalogue.options_for(question)]
        if question.type in ("choice", "multi_choice")
        else []
    )
    anchors = {point: label.get(coach.lang) for point, label in (question.anchors or {}).items()}
    return Asked(
        id=question.id,
        phase=phase,
        question=question,
        prompt=pick_wording(question, coach.lang, turn),
        help=coach.text(question.help),
        options=options,
        anchors=anchors,
    )


def _ask_all(
    coach: Coach,
    conversation: Conversation,
    progress: _Progress,
    questions: list[Question],
    phase: str,
    skip_roles: tuple[str, ...] = (),
) -> dict[str, Asked]:
    turn = coach.store.count(Filter())
    asked_by_id: dict[str, Asked] = {}
    nudge = coach.nudger()
    for question in questions:
        if question.role in skip_roles:
            continue
        asked = _asked(coach, question, phase, turn)
        asked_by_id[question.id] = asked
        if question.id in progress.answers:  # resumed from a draft
            continue
        progress.answers[question.id] = answer = conversation.ask(asked)  # a draft keeps it as typed
        if nudge is not None and isinstance(answer, str) and asked.type in FREE_TEXT:
            progress.answers[question.id] = _reviewed(conversation, nudge, asked, answer)
    conversation.finish()
    return asked_by_id


FREE_TEXT = ("text", "long_text")


def _reviewed(conversation: Conversation, nudge: Nudge | None, asked: Asked, answer: Any) -> Any:
    """The answer after the nudge: with placeholders, as written, or typed again (and checked again)."""
    while nudge is not None and isinstance(answer, str):
        finding = nudge.check(answer)
        if finding is None:
            return answer
        choice = review_identifiers(conversation, asked, finding)
        if choice == "replace":
            return finding.replaced
        if choice != "edit":
            return answer
        answer = conversation.ask(asked)
    return answer


def _answers(coach: Coach, progress: _Progress, asked_by_id: dict[str, Asked]) -> list[Answer]:
    now = utcnow()
    return [
        Answer(
            question_id=qid,
            phase=asked.phase,
            question=asked.prompt,
            question_type=asked.type,
            answer=progress.answers.get(qid),
            catalogue_version=coach.catalogue.version,
            answered_at=now,
            role=asked.question.role,
        )
        for qid, asked in asked_by_id.items()
    ]


def _by_role(asked_by_id: dict[str, Asked], progress: _Progress, role: str) -> Any:
    for qid, asked in asked_by_id.items():
        if asked.question.role == role:
            return progress.answers.get(qid)
    return None


def _check_given(coach: Coach, domain: str | None, practice: str | None) -> None:
    """Ids given on the command line fail before the first question, not after a minute of answers."""
    if domain is not None:
        coach.catalogue.domain(domain)
    if practice not in (None, NONE):
        coach.catalogue.practice(practice)


def _keep_draft(coach: Coach, conversation: Conversation, progress: _Progress) -> None:
    if progress.started():
        draft = progress.to_draft(coach.lang)
        coach.store.save_draft(draft)
        conversation.tell(DraftSaved(draft))


def _earlier_steps(coach: Coach, domain: str | None, practice: str | None) -> list[tuple[NextStep, str]]:
    """Pending next steps, the same practice's first, then the same domain's; newest first in each."""
    found: list[tuple[NextStep, str]] = []
    seen: set[str] = set()
    for because, flt in (
        ("practice", Filter(practice=practice, limit=3) if practice else None),
        ("domain", Filter(domain=domain, limit=3) if domain else None),
    ):
        if flt is None:
            continue
        for step in coach.store.next_steps(flt, pending_only=True):
            if step.encounter_id not in seen:
                seen.add(step.encounter_id)
                found.append((step, because))
    return found


def _resurface(coach: Coach, conversation: Conversation, domain: str | None, practice: str | None) -> None:
    """Before preparing, recall the most relevant next step an earlier reflection ended on."""
    earlier = _earlier_steps(coach, domain, practice)
    if earlier:
        step, because = earlier[0]
        conversation.tell(Resurfaced(step, because))


def _ask_follow_up(
    coach: Coach, conversation: Conversation, domain: str | None, practice: str | None
) -> str | None:
    """Offer to mark an earlier next step as followed up by this encounter; None when there is none."""
    earlier = _earlier_steps(coach, domain, practice)
    if not earlier:
        return None
    options = [
        (step.encounter_id, f"{step.created_at.astimezone():%Y-%m-%d} · {_shorten(step.text, 70)}")
        for step, _ in earlier
    ]
    options.append((NONE, "no" if coach.lang == "en" else "ei"))
    return _ask_choice(
        conversation,
        FOLLOW_UP,
        "Did this encounter follow up one of your earlier next steps?",
        "Toteutuiko tässä kohtaamisessa jokin aiempi seuraava askeleesi?",
        coach.lang,
        options,
        default=NONE,
        show_ids=False,
    )


# --- the flows ------------------------------------------------------------------------------------


def prepare(
    coach: Coach,
    conversation: Conversation,
    *,
    domain: str | None = None,
    practice: str | None = None,
    private: bool = False,
) -> Encounter:
    """Reflection-for-action: choose domain and practice, answer the prepare set; save as 'prepared'."""
    _check_given(coach, domain, practice)
    progress = _offer_draft(coach, conversation, "prepare") or _Progress("prepare")
    try:
        progress.domain = progress.domain or _choose_domain(coach, conversation, domain)
        if progress.practice is None and not (progress.draft_id and progress.answers):
            progress.practice = _choose_practice(
                coach, conversation, progress.domain, practice, suggest_first=True
            )
        _resurface(coach, conversation, progress.domain, progress.practice)
        if progress.practice:
            conversation.tell(PracticeShown(coach.catalogue.practice(progress.practice)))
        asked = _ask_all(
            coach,
            conversation,
            progress,
            flow_questions(coach.catalogue, "prepare", progress.practice, "before"),
            "before",
        )
    except (KeyboardInterrupt, EOFError) as stop:
        _keep_draft(coach, conversation, progress)
        raise InterruptedFlow("stopped; your answers so far are kept as a draft") from stop
    encounter = Encounter(
        id=coach.store.new_id(),
        status="prepared",
        lang=coach.lang,
        domain=progress.domain,
        practices=[progress.practice] if progress.practice else [],
        label=_by_role(asked, progress, "label"),
        private=private,
        answers=_answers(coach, progress, asked),
    )
    _save(coach, encounter, progress, new=True)
    conversation.tell(EncounterSaved(encounter, "prepare"))
    return encounter


def reflect(
    coach: Coach,
    conversation: Conversation,
    *,
    encounter_id: str | None = None,
    practice: str | None = None,
    private: bool = False,
) -> Encounter:
    """Reflection-on-action: What? So what? Now what?; completes a prepared encounter or creates one."""
    _check_given(coach, None, practice)
    if encounter_id and encounter_id != NEW:
        encounter_id = coach.store.get(encounter_id).id  # a prefix names one encounter, or fails here
    progress = _offer_draft(coach, conversation, "reflect", encounter_id) or _Progress("reflect")
    try:
        encounter = _encounter_to_reflect(coach, conversation, progress, encounter_id)
        if encounter is None:
            progress.domain = progress.domain or _choose_domain(coach, conversation, None)
            if progress.practice is None and not (progress.draft_id and progress.answers):
                progress.practice = _choose_practice(
                    coach, conversation, progress.domain, practice, suggest_first=False
                )
        elif practice not in (None, NONE) and progress.practice is None:  # checked by _check_given
            progress.practice = practice
        practice_id = progress.practice or (
            encounter.practices[0] if encounter and encounter.practices else None
        )
        if practice_id:
            conversation.tell(PracticeShown(coach.catalogue.practice(practice_id)))
        domain_id = encounter.domain if encounter is not None else progress.domain
        if FOLLOW_UP not in progress.answers:
            progress.answers[FOLLOW_UP] = _ask_follow_up(coach, conversation, domain_id, practice_id)
        skip = ("label",) if encounter is not None and encounter.label else ()
        asked = _ask_all(
            coach,
            conversation,
            progress,
            flow_questions(coach.catalogue, "reflect", practice_id, "after"),
            "after",
            skip_roles=skip,
        )
    except (KeyboardInterrupt, EOFError) as stop:
        _keep_draft(coach, conversation, progress)
        raise InterruptedFlow("stopped; your answers so far are kept as a draft") from stop

    new = encounter is None
    if encounter is None:
        encounter = Encounter(
            id=coach.store.new_id(), status="reflected", lang=coach.lang, domain=progress.domain
        )
    encounter.status = "reflected"
    if progress.practice and progress.practice not in encounter.practices:
        encounter.practices.append(progress.practice)
    encounter.label = _by_role(asked, progress, "label") or encounter.label
    encounter.values = list(_by_role(asked, progress, "values") or encounter.values)
    for qid, item in asked.items():
        rating = progress.answers.get(qid)
        if item.question.role == "rating" and rating is not None:
            encounter.ratings[item.question.rates] = rating
    encounter.private = encounter.private or private
    encounter.answers = [a for a in encounter.answers if a.phase != "after"] + _answers(
        coach, progress, asked
    )
    _save(coach, encounter, progress, new=new)
    if progress.answers.get(FOLLOW_UP) not in (None, NONE):
        coach.store.mark_followed_up(progress.answers[FOLLOW_UP], encounter.id)
    conversation.tell(EncounterSaved(encounter, "reflect", _by_role(asked, progress, "next_step")))
    return encounter


def _encounter_to_reflect(
    coach: Coach, conversation: Conversation, progress: _Progress, encounter_id: str | None
) -> Encounter | None:
    wanted = encounter_id or progress.encounter_id
    if wanted and wanted != NEW:
        encounter = coach.store.get(wanted)
        if encounter.status != "prepared":  # the journal's state, not the command line, is wrong: exit 1
            raise EncountersError(
                f"encounter {encounter.short_id} is already {encounter.status}; "
                f"change it with 'encounters edit {encounter.short_id}'"
            )
        progress.encounter_id = encounter.id
        return encounter
    if wanted == NEW or progress.draft_id or not conversation.interactive:
        return None
    open_ones = coach.store.list(Filter(statuses=["prepared"], limit=9))
    if not open_ones:
        return None
    intention_ids = {q.id for q in coach.catalogue.question_set("prepare").questions if q.role == "intention"}
    options = []
    for item in open_ones:
        intention = next((a.answer for a in item.answers if a.question_id in intention_ids), None) or ""
        when = item.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        summary = " · ".join(str(part) for part in (item.label, intention) if part)
        options.append((item.id, f"{when} · {item.short_id} · {_shorten(summary, 60)}"))
    options.append(
        (NEW, "a new encounter (not prepared)" if coach.lang == "en" else "uusi kohtaaminen (ei valmisteltu)")
    )
    chosen = _ask_choice(
        conversation,
        "encounter",
        "Which encounter are you reflecting on?",
        "Mitä kohtaamista reflektoit?",
        coach.lang,
        options,
        default=open_ones[0].id,
        show_ids=False,
    )
    if chosen in (None, NEW):
        return None
    progress.encounter_id = chosen
    return coach.store.get(chosen)


def _save(coach: Coach, encounter: Encounter, progress: _Progress, *, new: bool) -> None:
    """Save the entry and drop the draft it completes in one transaction: a crash cannot save it twice."""
    if new:
        coach.store.add(encounter, finishes_draft=progress.draft_id)
    else:
        coach.store.update(encounter, finishes_draft=progress.draft_id)
    if encounter.domain:
        coach.store.set_meta(LAST_DOMAIN_KEY, encounter.domain)


def log(
    coach: Coach,
    text: str,
    *,
    values: list[str] | None = None,
    domain: str | None = None,
    practice: str | None = None,
    label: str | None = None,
    private: bool = False,
    conversation: Conversation | None = None,
) -> Encounter:
    """One-step capture: no questions, just the note and its tags.

    With a ``conversation``, the note gets the nudge: a person is asked, a script is warned.
    """
    catalogue = coach.catalogue
    for value in values or []:
        catalogue.value(value)
    _check_given(coach, domain, practice)
    asked = quick_note(coach)
    note = asked.check(text)
    if conversation is not None and coach.nudge:
        note = _reviewed(conversation, coach.nudger(), asked, note)
    answers = [
        Answer(
            question_id=asked.id,
            phase="quick",
            question=asked.prompt,
            question_type=asked.type,
            answer=note,
            catalogue_version=catalogue.version,
        )
    ]
    encounter = Encounter(
        id=coach.store.new_id(),
        status="logged",
        lang=coach.lang,
        domain=domain,
        practices=[practice] if practice else [],
        values=list(dict.fromkeys(values or [])),
        label=" ".join(checked_text(label, "the label").split()) if label else None,
        private=private,
        answers=answers,
    )
    coach.store.add(encounter)
    return encounter


PHASE_OF_SET = {"prepare": "before", "reflect": "after", "quick": "quick"}


def quick_note(coach: Coach) -> Asked:
    """The one question `log` asks when run on a terminal without text."""
    questions = coach.catalogue.question_set("quick").questions
    note = next((q for q in questions if q.id == "note"), questions[0])
    return _asked(coach, note, "quick", 0)


def describe_questions(catalogue: Catalogue, lang: str, set_id: str, practice_id: str | None) -> list[dict]:
    """What an answers file can say for a flow: top-level keys first, then every question id."""
    if practice_id is not None:
        catalogue.practice(practice_id)
    phase = PHASE_OF_SET.get(set_id, "before")
    listing: list[dict] = []
    if set_id in ("prepare", "reflect"):
        listing.append(
            {
                "id": "domain",
                "key": "domain",
                "type": "choice",
                "required": False,
                "prompt": "Domain id (top-level key)" if lang == "en" else "Palvelualan tunniste",
                "options": list(catalogue.domains),
            }
        )
        listing.append(
            {
                "id": "practice",
                "key": "practice",
                "type": "choice",
                "required": False,
                "prompt": "Practice id (top-level key)" if lang == "en" else "Harjoituksen tunniste",
                "options": list(catalogue.practices),
            }
        )
    for question in flow_questions(catalogue, set_id, practice_id, phase):
        item = {
            "id": question.id,
            "key": "values" if question.role == "values" else f"answers.{question.id}",
            "type": question.type,
            "required": question.required,
            "prompt": question.prompt.get(lang),
            "role": question.role,
        }
        if question.type in ("choice", "multi_choice"):
            item["options"] = [option_id for option_id, _ in catalogue.options_for(question)]
        if question.type == "scale":
            item["min"], item["max"] = question.min, question.max
        if question.rates:
            item["rates"] = question.rates
        listing.append(item)
    return listing


def _shorten(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def find_question(coach: Coach, question_id: str) -> Question | None:
    """The current catalogue question behind a stored answer's id, if it still exists."""
    catalogue = coach.catalogue
    if "." in question_id:
        practice_id = question_id.partition(".")[0]
        try:
            practice = catalogue.practice(practice_id)
        except NotFoundError:
            return None
        for phase in ("before", "after"):
            for question in catalogue.practice_questions(practice.id, phase):
                if question.id == question_id:
                    return question
        return None
    for set_id in catalogue.question_sets:
        for question in catalogue.question_set(set_id).questions:
            if question.id == question_id:
                return question
    return None


__all__ = ["AnswerError", "Coach", "find_question", "log", "prepare", "reflect"]
