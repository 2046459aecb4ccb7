"""The coach flows, driven by a script that fails on any question it did not expect.

Every test runs against a real journal in tmp_path and the shipped catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue
from encounters_cli.coach import flows
from encounters_cli.coach.answers import Asked
from encounters_cli.coach.conversation import (
    AnswersFileConversation,
    DraftResumed,
    DraftSaved,
    EncounterSaved,
    PracticeShown,
    Resurfaced,
    ScriptedConversation,
    SuggestionsShown,
    read_answers_file,
)
from encounters_cli.coach.flows import Coach
from encounters_cli.errors import (
    AnswerError,
    EncountersError,
    ExitCode,
    InterruptedFlow,
    NotFoundError,
    UsageError,
)
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Encounter, Filter, utcnow

PREPARE_QUESTIONS = ["label", "intention", "assumptions", "power", "voice", "lifeline"]
REFLECT_MIDDLE = ["what", "feelings", "their-experience", "so-what"]
RATINGS = ["rating-participation", "rating-trust", "rating-knowledge", "rating-justice"]
REFLECT_CLOSING = ["values", *RATINGS, "next-step"]


class Recording(ScriptedConversation):
    """A script that also keeps every question as asked, to look at defaults, options and wording."""

    def __init__(self, script: dict[str, Any], interactive: bool = True) -> None:
        super().__init__(script, interactive=interactive)
        self.questions: dict[str, Asked] = {}

    def ask(self, asked: Asked) -> Any:
        self.questions[asked.id] = asked
        return super().ask(asked)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "flows" / "journal.sqlite3") as opened:
        yield opened


@pytest.fixture
def coach(catalogue: Catalogue, store: Store) -> Coach:
    return Coach(catalogue=catalogue, store=store, lang="en")


def prepare_script(**overrides: Any) -> dict[str, Any]:
    script: dict[str, Any] = {
        "domain": "library",
        "practice": "none",
        "label": "help with a benefit form at the counter",
        "intention": "The visitor understands the form.\nAnd what happens next.",
        "assumptions": "That they have filled in forms like this before.",
        "power": None,
        "voice": "Ask what they already know.",
        "lifeline": "knowledge",
    }
    script.update(overrides)
    return script


def reflect_middle(**overrides: Any) -> dict[str, Any]:
    script: dict[str, Any] = {
        "what": "We went through the form together.",
        "feelings": None,
        "their-experience": "They nodded and asked about the appeal.",
        "so-what": "They could choose which part to do first.",
        "values": ["knowledge", "freedom"],
        "rating-participation": None,
        "rating-trust": 4,
        "rating-knowledge": "5",
        "rating-justice": None,
        "next-step": "Ask what they already know before explaining.",
    }
    script.update(overrides)
    return script


def add_encounter(store: Store, status: str, values: list[str], *, days_ago: float = 0) -> Encounter:
    moment = utcnow() - timedelta(days=days_ago)
    encounter = Encounter(
        id=store.new_id(), status=status, lang="en", values=values, created_at=moment, updated_at=moment
    )
    store.add(encounter)
    return encounter


def do_prepare(coach: Coach, **overrides: Any) -> Encounter:
    conversation = ScriptedConversation(prepare_script(**overrides))
    return flows.prepare(coach, conversation)


# --- prepare --------------------------------------------------------------------------------------


def test_prepare_without_a_practice_asks_the_prepare_set_and_saves(coach: Coach, store: Store) -> None:
    conversation = ScriptedConversation(prepare_script())
    encounter = flows.prepare(coach, conversation)

    assert conversation.asked == ["domain", "practice", *PREPARE_QUESTIONS]
    assert not conversation.told(PracticeShown)
    stored = store.get(encounter.id)
    assert stored.status == "prepared"
    assert stored.domain == "library"
    assert stored.practices == []
    assert stored.label == "help with a benefit form at the counter"
    assert stored.lang == "en"
    answers = {answer.question_id: answer for answer in stored.answers}
    assert list(answers) == PREPARE_QUESTIONS
    assert answers["intention"].answer == "The visitor understands the form.\nAnd what happens next."
    assert answers["power"].answer is None
    assert answers["lifeline"].answer == "knowledge"
    assert {answer.phase for answer in stored.answers} == {"before"}
    assert all(answer.catalogue_version == coach.catalogue.version for answer in stored.answers)
    assert answers["voice"].question == coach.catalogue.question_set("prepare").questions[4].prompt.en
    [saved] = conversation.told(EncounterSaved)
    assert saved.flow == "prepare"
    assert saved.encounter.id == encounter.id


def test_prepare_with_a_chosen_practice_shows_its_card_and_asks_its_questions(coach: Coach) -> None:
    script = prepare_script(
        practice="explain-the-why",
        **{"explain-the-why.reasons": "Proof of income is needed.", "explain-the-why.know-the-reason": "y"},
    )
    conversation = ScriptedConversation(script)
    encounter = flows.prepare(coach, conversation)

    assert conversation.asked == [
        "domain",
        "practice",
        *PREPARE_QUESTIONS,
        "explain-the-why.reasons",
        "explain-the-why.know-the-reason",
    ]
    [shown] = conversation.told(PracticeShown)
    assert shown.practice.id == "explain-the-why"
    assert encounter.practices == ["explain-the-why"]
    answers = {answer.question_id: answer.answer for answer in coach.store.get(encounter.id).answers}
    assert answers["explain-the-why.reasons"] == "Proof of income is needed."
    assert answers["explain-the-why.know-the-reason"] is True


def test_prepare_with_practice_given_does_not_ask_or_suggest(coach: Coach) -> None:
    script = prepare_script(**{"explain-the-why.reasons": None, "explain-the-why.know-the-reason": None})
    del script["domain"], script["practice"]
    conversation = ScriptedConversation(script)
    encounter = flows.prepare(coach, conversation, domain="school", practice="explain-the-why")

    assert conversation.asked[0] == "label"
    assert not conversation.told(SuggestionsShown)
    assert encounter.domain == "school"
    assert encounter.practices == ["explain-the-why"]


@pytest.mark.parametrize(("option", "value"), [("domain", "moon"), ("practice", "be-nice")])
def test_prepare_rejects_unknown_domain_or_practice_options(coach: Coach, option: str, value: str) -> None:
    with pytest.raises(NotFoundError, match=value):
        flows.prepare(coach, ScriptedConversation({}), **{option: value})
    assert coach.store.count(Filter()) == 0


def test_suggestions_favour_the_values_least_touched_lately(coach: Coach, store: Store) -> None:
    others = [value for value in coach.catalogue.values if value != "freedom"]
    add_encounter(store, "reflected", others)
    add_encounter(store, "logged", others)
    # neither an open preparation nor an old entry counts as having attended to freedom lately
    add_encounter(store, "prepared", ["freedom"])
    add_encounter(store, "reflected", ["freedom"], days_ago=120)

    conversation = Recording(prepare_script(practice="offer-real-choices", **_no_practice_answers()))
    flows.prepare(coach, conversation)

    [shown] = conversation.told(SuggestionsShown)
    assert shown.domain == "library"
    assert len(shown.suggestions) == 3
    first = shown.suggestions[0]
    # offer-real-choices serves freedom and participation only: freedom untouched, the smallest total
    assert first.practice.id == "offer-real-choices"
    assert first.reason_values == ["freedom"]
    assert first.counts == {"freedom": 0, "participation": 2}
    assert first.window == 2
    assert all(item.practice.serves_domain("library") for item in shown.suggestions)
    assert len({item.practice.id for item in shown.suggestions}) == 3
    # the suggested practices are offered first, in the same order, and the first is the default
    asked = conversation.questions["practice"]
    suggested = [item.practice.id for item in shown.suggestions]
    assert [option_id for option_id, _ in asked.options[:3]] == suggested
    assert asked.default == "offer-real-choices"
    assert asked.options[3][0] == "none"  # then "no practice", then the rest


def _no_practice_answers() -> dict[str, Any]:
    return {"offer-real-choices.possible-options": None}


def test_suggestions_on_an_empty_journal_name_every_value_the_practice_serves(coach: Coach) -> None:
    conversation = ScriptedConversation(prepare_script())
    flows.prepare(coach, conversation)
    [shown] = conversation.told(SuggestionsShown)
    assert len(shown.suggestions) == 3
    for item in shown.suggestions:
        assert item.window == 0
        assert item.reason_values == list(item.practice.values)


def test_suggestions_and_choices_only_offer_practices_for_the_domain(coach: Coach) -> None:
    domain = "employment-services"
    conversation = Recording(prepare_script(domain=domain))
    flows.prepare(coach, conversation)
    [shown] = conversation.told(SuggestionsShown)
    assert shown.domain == domain
    offered = [option_id for option_id, _ in conversation.questions["practice"].options]
    assert "hear-the-child" not in offered  # a practice for children's services
    assert set(offered) - {"none"} == {p.id for p in coach.catalogue.practices_for_domain(domain)}
    assert all(item.practice.serves_domain(domain) for item in shown.suggestions)


def test_the_last_domain_is_remembered_as_the_default(coach: Coach) -> None:
    first = Recording(prepare_script(domain="health-care"))
    flows.prepare(coach, first)
    assert first.questions["domain"].default is None

    second = Recording(prepare_script(domain="school"))
    flows.prepare(coach, second)
    assert second.questions["domain"].default == "health-care"

    third = Recording(prepare_script())
    flows.prepare(coach, third)
    assert third.questions["domain"].default == "school"


def test_prepare_in_finnish_stores_finnish_wording(catalogue: Catalogue, store: Store) -> None:
    coach = Coach(catalogue=catalogue, store=store, lang="fi")
    conversation = Recording(prepare_script())
    encounter = flows.prepare(coach, conversation)
    assert encounter.lang == "fi"
    intention = encounter.answer_for("intention")
    assert intention is not None
    assert intention.question == catalogue.question_set("prepare").questions[1].prompt.fi
    assert dict(conversation.questions["domain"].options)["library"] == "Kirjasto"


def test_question_wording_rotates_through_the_variants(coach: Coach, catalogue: Catalogue) -> None:
    intention = next(q for q in catalogue.question_set("prepare").questions if q.id == "intention")
    wordings = [intention.prompt.en, *(variant.en for variant in intention.variants)]
    assert len(set(wordings)) == 3

    asked = []
    labels = []
    for _ in range(4):
        encounter = do_prepare(coach)
        asked.append(encounter.answer_for("intention").question)
        labels.append(encounter.answer_for("label").question)
    assert asked == [*wordings, wordings[0]]
    assert len(set(labels)) == 1  # a question without variants keeps its one wording


# --- reflect --------------------------------------------------------------------------------------


def test_reflect_completes_a_prepared_encounter(coach: Coach, store: Store) -> None:
    prepared = do_prepare(
        coach,
        practice="explain-the-why",
        **{"explain-the-why.reasons": "Fees.", "explain-the-why.know-the-reason": "n"},
    )
    script = reflect_middle(
        encounter=prepared.id,
        **{"explain-the-why.understood": 3, "explain-the-why.reaction": "Relieved."},
    )
    conversation = Recording(script)
    reflected = flows.reflect(coach, conversation)

    # the label question is skipped (the encounter has one); practice questions come before the
    # closing ones; the next step is last
    assert conversation.asked == [
        "encounter",
        *REFLECT_MIDDLE,
        "explain-the-why.understood",
        "explain-the-why.reaction",
        *REFLECT_CLOSING,
    ]
    offered = dict(conversation.questions["encounter"].options)
    assert prepared.id in offered
    assert "help with a benefit form at the counter · The visitor" in offered[prepared.id]
    assert conversation.questions["encounter"].default == prepared.id

    stored = store.get(prepared.id)
    assert reflected.id == prepared.id
    assert stored.status == "reflected"
    assert stored.values == ["knowledge", "freedom"]
    assert stored.ratings == {"trust": 4, "knowledge": 5}
    assert stored.label == "help with a benefit form at the counter"
    assert stored.practices == ["explain-the-why"]
    phases = [answer.phase for answer in stored.answers]
    assert phases == ["before"] * 8 + ["after"] * 12
    assert stored.answer_for("explain-the-why.understood").answer == 3
    assert stored.answer_for("next-step").answer == "Ask what they already know before explaining."
    assert store.count(Filter()) == 1
    [saved] = conversation.told(EncounterSaved)
    assert saved.flow == "reflect"
    assert saved.next_step == "Ask what they already know before explaining."
    [shown] = conversation.told(PracticeShown)
    assert shown.practice.id == "explain-the-why"


def test_reflect_asks_for_a_label_when_the_preparation_had_none(coach: Coach, store: Store) -> None:
    prepared = do_prepare(coach, label=None)
    conversation = ScriptedConversation(reflect_middle(label="phone call about a bill"))
    flows.reflect(coach, conversation, encounter_id=prepared.id)
    assert conversation.asked[0] == "label"
    assert store.get(prepared.id).label == "phone call about a bill"


def test_reflect_by_id_prefix_does_not_ask_which_encounter(coach: Coach, store: Store) -> None:
    prepared = do_prepare(coach)
    conversation = ScriptedConversation(reflect_middle())
    flows.reflect(coach, conversation, encounter_id=prepared.short_id)
    assert "encounter" not in conversation.asked
    assert conversation.asked[-1] == "next-step"
    assert store.get(prepared.id).status == "reflected"


def test_reflect_without_a_prepared_encounter_creates_a_reflected_one(coach: Coach, store: Store) -> None:
    script = reflect_middle(domain="school", practice="none", label="parent meeting about a transfer")
    conversation = ScriptedConversation(script)
    encounter = flows.reflect(coach, conversation)

    assert conversation.asked == ["domain", "practice", "label", *REFLECT_MIDDLE, *REFLECT_CLOSING]
    assert not conversation.told(SuggestionsShown)  # suggestions are for preparing, not looking back
    stored = store.get(encounter.id)
    assert stored.status == "reflected"
    assert stored.domain == "school"
    assert stored.label == "parent meeting about a transfer"
    assert stored.values == ["knowledge", "freedom"]
    assert {answer.phase for answer in stored.answers} == {"after"}


def test_reflect_can_choose_a_new_encounter_although_one_is_open(coach: Coach, store: Store) -> None:
    prepared = do_prepare(coach)
    script = reflect_middle(encounter="new", domain="library", practice="none", label=None)
    flows.reflect(coach, ScriptedConversation(script))
    assert store.get(prepared.id).status == "prepared"
    assert store.count(Filter(statuses=["reflected"])) == 1


def test_reflect_on_an_already_reflected_encounter_is_an_error(coach: Coach, store: Store) -> None:
    prepared = do_prepare(coach)
    flows.reflect(coach, ScriptedConversation(reflect_middle()), encounter_id=prepared.id)
    before = store.get(prepared.id)

    with pytest.raises(EncountersError, match="already reflected") as caught:
        flows.reflect(coach, ScriptedConversation({}), encounter_id=prepared.short_id)
    assert caught.value.exit_code == ExitCode.ERROR
    assert f"encounters edit {prepared.short_id}" in str(caught.value)
    assert store.get(prepared.id).updated_at == before.updated_at


def test_reflect_on_a_missing_encounter_is_not_found(coach: Coach) -> None:
    with pytest.raises(NotFoundError):
        flows.reflect(coach, ScriptedConversation({}), encounter_id="abcdef")


# --- interruptions and drafts ---------------------------------------------------------------------


@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
def test_an_interrupted_prepare_keeps_a_draft_and_resumes_it(
    coach: Coach, store: Store, stop: type[BaseException]
) -> None:
    script = prepare_script()
    first = ScriptedConversation(
        {key: script[key] for key in ("domain", "practice", "label", "intention")} | {"assumptions": stop}
    )
    with pytest.raises(InterruptedFlow) as caught:
        flows.prepare(coach, first)
    assert caught.value.exit_code == ExitCode.INTERRUPTED == 130
    assert isinstance(caught.value.__cause__, stop)
    assert store.count(Filter()) == 0
    [draft] = store.list_drafts("prepare")
    assert draft.data["domain"] == "library"
    assert draft.data["answers"] == {"label": script["label"], "intention": script["intention"]}
    assert [event.draft.id for event in first.told(DraftSaved)] == [draft.id]

    # the answers so far are not asked again
    rest = {key: script[key] for key in ("assumptions", "power", "voice")}
    second = Recording({"draft": "resume", **rest, "lifeline": "trust"})
    encounter = flows.prepare(coach, second)
    assert second.asked == ["draft", "assumptions", "power", "voice", "lifeline"]
    assert "(2 answers)" in second.questions["draft"].prompt
    assert second.told(DraftResumed)
    stored = store.get(encounter.id)
    assert stored.domain == "library"
    assert stored.label == script["label"]
    assert stored.answer_for("intention").answer == script["intention"]
    assert stored.answer_for("lifeline").answer == "trust"
    assert [answer.question_id for answer in stored.answers] == PREPARE_QUESTIONS
    assert store.list_drafts() == []


def test_a_draft_can_be_discarded(coach: Coach, store: Store) -> None:
    with pytest.raises(InterruptedFlow):
        flows.prepare(
            coach, ScriptedConversation({"domain": "school", "practice": "none", "label": EOFError})
        )
    assert len(store.list_drafts("prepare")) == 1

    conversation = ScriptedConversation({"draft": "discard", **prepare_script()})
    encounter = flows.prepare(coach, conversation)
    assert conversation.asked[:2] == ["draft", "domain"]
    assert store.list_drafts() == []
    assert store.get(encounter.id).domain == "library"


def test_a_draft_kept_for_later_survives_a_fresh_prepare(coach: Coach, store: Store) -> None:
    with pytest.raises(InterruptedFlow):
        flows.prepare(coach, ScriptedConversation({"domain": "school", "practice": KeyboardInterrupt}))
    [draft] = store.list_drafts("prepare")
    assert draft.data["domain"] == "school"

    flows.prepare(coach, ScriptedConversation({"draft": "later", **prepare_script()}))
    assert [kept.id for kept in store.list_drafts("prepare")] == [draft.id]


def test_end_of_input_at_the_draft_question_leaves_the_draft_as_it_was(coach: Coach, store: Store) -> None:
    with pytest.raises(InterruptedFlow):
        flows.prepare(coach, ScriptedConversation({"domain": "school", "practice": KeyboardInterrupt}))
    [draft] = store.list_drafts("prepare")

    with pytest.raises(InterruptedFlow) as caught:
        flows.prepare(coach, ScriptedConversation({"draft": EOFError}))
    assert caught.value.exit_code == ExitCode.INTERRUPTED
    assert [kept.data for kept in store.list_drafts("prepare")] == [draft.data]
    assert store.count(Filter()) == 0


def test_an_interrupt_before_any_answer_keeps_no_draft(coach: Coach, store: Store) -> None:
    with pytest.raises(InterruptedFlow):
        flows.prepare(coach, ScriptedConversation({"domain": KeyboardInterrupt}))
    assert store.list_drafts() == []


def test_an_interrupted_reflect_resumes_on_the_same_encounter(coach: Coach, store: Store) -> None:
    prepared = do_prepare(coach)
    middle = reflect_middle()
    with pytest.raises(InterruptedFlow):
        flows.reflect(
            coach,
            ScriptedConversation({"encounter": prepared.id, "what": middle["what"], "feelings": EOFError}),
        )
    [draft] = store.list_drafts("reflect")
    assert draft.data["encounter_id"] == prepared.id
    assert store.list_drafts("prepare") == []  # a reflect draft is not offered by prepare

    rest = {key: value for key, value in middle.items() if key != "what"}
    conversation = ScriptedConversation({"draft": "resume", **rest})
    flows.reflect(coach, conversation)
    assert "encounter" not in conversation.asked
    assert "what" not in conversation.asked
    stored = store.get(prepared.id)
    assert stored.status == "reflected"
    assert stored.answer_for("what").answer == middle["what"]
    assert store.list_drafts() == []


def test_reflect_on_another_encounter_does_not_offer_a_draft_of_this_one(coach: Coach, store: Store) -> None:
    first = do_prepare(coach)
    second = do_prepare(coach)
    with pytest.raises(InterruptedFlow):
        flows.reflect(
            coach,
            ScriptedConversation({"what": "About the first.", "feelings": EOFError}),
            encounter_id=first.id,
        )

    flows.reflect(coach, ScriptedConversation(reflect_middle()), encounter_id=second.short_id)
    assert store.get(second.id).answer_for("what").answer == reflect_middle()["what"]
    assert store.get(first.id).status == "prepared"
    [draft] = store.list_drafts("reflect")
    assert draft.data["encounter_id"] == first.id


def test_answers_files_never_offer_drafts(coach: Coach, store: Store) -> None:
    with pytest.raises(InterruptedFlow):
        flows.prepare(
            coach, ScriptedConversation({"domain": "school", "practice": "none", "label": EOFError})
        )
    data = {"domain": "library", "answers": {"intention": "Listen first."}}
    flows.prepare(coach, AnswersFileConversation(data))
    assert len(store.list_drafts("prepare")) == 1


# --- log ------------------------------------------------------------------------------------------


def test_log_saves_one_note_with_its_tags(coach: Coach, store: Store) -> None:
    encounter = flows.log(
        coach,
        "A short call about a rejected application.\n",
        values=["justice", "knowledge", "justice"],
        domain="state-agency",
        practice="explain-the-why",
        label="  phone   call ",
        private=True,
    )
    stored = store.get(encounter.id)
    assert stored.status == "logged"
    assert stored.values == ["justice", "knowledge"]
    assert stored.domain == "state-agency"
    assert stored.practices == ["explain-the-why"]
    assert stored.label == "phone call"
    assert stored.private is True
    [note] = stored.answers
    assert (note.question_id, note.phase) == ("note", "quick")
    assert note.answer == "A short call about a rejected application."


@pytest.mark.parametrize(
    ("option", "value"),
    [("values", ["trust", "kindness"]), ("domain", "moon"), ("practice", "be-nice")],
)
def test_log_validates_ids(coach: Coach, store: Store, option: str, value: Any) -> None:
    with pytest.raises(NotFoundError, match=value[-1] if isinstance(value, list) else value):
        flows.log(coach, "A note.", **{option: value})
    assert store.count(Filter()) == 0


def test_log_needs_text(coach: Coach, store: Store) -> None:
    with pytest.raises(AnswerError, match="'note'"):
        flows.log(coach, "   \n")
    assert store.count(Filter()) == 0


# --- answers files --------------------------------------------------------------------------------


def test_an_answers_file_drives_prepare_and_reflect(coach: Coach, store: Store) -> None:
    prepared = flows.prepare(
        coach,
        AnswersFileConversation(
            {
                "domain": "library",
                "practice": "explain-the-why",
                "label": "counter visit",
                "answers": {"intention": "Explain the form.", "explain-the-why.know-the-reason": "yes"},
            }
        ),
        private=True,
    )
    assert prepared.practices == ["explain-the-why"]
    assert prepared.private is True
    assert prepared.label == "counter visit"

    conversation = AnswersFileConversation(
        {
            "values": ["trust"],
            "answers": {
                "what": "We talked.",
                "so-what": "It helped.",
                "next-step": "Ask first.",
                "rating-trust": 3,
            },
        }
    )
    reflected = flows.reflect(coach, conversation, encounter_id=prepared.short_id)
    assert reflected.id == prepared.id
    stored = store.get(prepared.id)
    assert stored.status == "reflected"
    assert stored.values == ["trust"]
    assert stored.ratings == {"trust": 3}
    assert [event.next_step for event in conversation.events if isinstance(event, EncounterSaved)] == [
        "Ask first."
    ]


def test_an_answers_file_without_a_practice_gets_no_practice(coach: Coach, store: Store) -> None:
    """What an answers file is asked must not depend on which practice happens to be suggested."""
    encounter = flows.prepare(coach, AnswersFileConversation({"answers": {"intention": "Listen."}}))
    assert encounter.practices == []
    assert [answer.question_id for answer in encounter.answers] == PREPARE_QUESTIONS
    assert encounter.domain == "other"


def test_an_answers_file_without_an_encounter_creates_a_new_reflection(coach: Coach, store: Store) -> None:
    prepared = do_prepare(coach)
    data = {"domain": "school", "answers": {"what": "x", "so-what": "y", "next-step": "z"}}
    encounter = flows.reflect(coach, AnswersFileConversation(data))
    assert encounter.id != prepared.id
    assert store.get(prepared.id).status == "prepared"


@pytest.mark.parametrize(
    ("flow", "data", "question", "why"),
    [
        ("prepare", {"answers": {"intention": "x", "intentoin": "y"}}, "intentoin", "unknown question id"),
        ("prepare", {"answers": {"intention": ["a", "b"]}}, "intention", "expects text"),
        ("prepare", {"answers": {"intention": {"a": 1}}}, "intention", "expects text"),
        ("prepare", {"answers": {}}, "intention", "needs an answer"),
        ("prepare", {"answers": {"intention": "   "}}, "intention", "needs an answer"),
        (
            "prepare",
            {"answers": {"intention": "x", "lifeline": "freedom"}},
            "lifeline",
            "not one of the options",
        ),
        ("prepare", {"domain": "moon", "answers": {"intention": "x"}}, "domain", "not one of the options"),
        (
            "prepare",
            {"practice": "be-nice", "answers": {"intention": "x"}},
            "practice",
            "not one of the options",
        ),
        (
            "prepare",
            {
                "practice": "explain-the-why",
                "answers": {"intention": "x", "explain-the-why.know-the-reason": "maybe"},
            },
            "explain-the-why.know-the-reason",
            "expects yes or no",
        ),
        (
            "reflect",
            {"answers": {"what": "x", "so-what": "y", "next-step": "z", "rating-trust": 7}},
            "rating-trust",
            "outside 1-5",
        ),
        (
            "reflect",
            {"answers": {"what": "x", "so-what": "y", "next-step": "z", "rating-trust": 0}},
            "rating-trust",
            "outside 1-5",
        ),
        (
            "reflect",
            {"answers": {"what": "x", "so-what": "y", "next-step": "z", "rating-trust": 2.5}},
            "rating-trust",
            "whole number",
        ),
        (
            "reflect",
            {"answers": {"what": "x", "so-what": "y", "next-step": "z", "rating-trust": True}},
            "rating-trust",
            "whole number",
        ),
        (
            "reflect",
            {"values": ["trust", "kindness"], "answers": {"what": "x", "so-what": "y", "next-step": "z"}},
            "values",
            "'kindness'",
        ),
        (
            "reflect",
            {"values": "trust, kindness", "answers": {"what": "x", "so-what": "y", "next-step": "z"}},
            "values",
            "'kindness'",
        ),
        (
            "reflect",
            {"values": [1, 2], "answers": {"what": "x", "so-what": "y", "next-step": "z"}},
            "values",
            "list of option ids",
        ),
        ("reflect", {"answers": {"what": "x", "so-what": "y"}}, "next-step", "needs an answer"),
    ],
)
def test_answers_file_mistakes_name_the_question_and_save_nothing(
    coach: Coach, store: Store, flow: str, data: dict, question: str, why: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        getattr(flows, flow)(coach, AnswersFileConversation(data, source="my-answers.yaml"))
    message = str(caught.value)
    assert f"'{question}'" in message
    assert why in message
    assert message.startswith("my-answers.yaml: ")
    assert "\n" not in message
    assert store.count(Filter()) == 0
    assert store.list_drafts() == []


def test_an_answers_file_may_not_reflect_on_a_reflected_encounter(coach: Coach) -> None:
    prepared = do_prepare(coach)
    flows.reflect(coach, ScriptedConversation(reflect_middle()), encounter_id=prepared.id)
    data = {"answers": {"what": "x", "so-what": "y", "next-step": "z"}}
    with pytest.raises(EncountersError, match="already reflected"):
        flows.reflect(coach, AnswersFileConversation(data), encounter_id=prepared.id)


def test_read_answers_file_reads_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "a.yaml"
    yaml_file.write_text(
        "domain: library\nanswers:\n  intention: Listen.\n  1: numeric id\n", encoding="utf-8"
    )
    json_file = tmp_path / "a.json"
    json_file.write_text(
        json.dumps({"domain": "library", "answers": {"intention": "Listen."}}), encoding="utf-8"
    )
    assert read_answers_file(yaml_file) == {
        "domain": "library",
        "answers": {"intention": "Listen.", "1": "numeric id"},
    }
    assert read_answers_file(json_file) == {"domain": "library", "answers": {"intention": "Listen."}}
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert read_answers_file(empty) == {"answers": {}}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.yaml", "answers:\n  intention: [unclosed\n", "bad.yaml:3:1: not valid YAML"),
        ("bad.json", '{"answers": {"intention": }}', "bad.json:1:27: not valid JSON"),
        ("list.yaml", "- intention\n", "an answers file is a mapping"),
        ("key.yaml", "domain: library\nanwsers: {}\n", "unknown key 'anwsers'"),
        ("answers.yaml", "answers: [intention]\n", "'answers' must map question ids"),
    ],
)
def test_read_answers_file_problems_are_located_one_liners(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnswerError) as caught:
        read_answers_file(path)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_answers_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="answers file not found"):
        read_answers_file(tmp_path / "nowhere.yaml")


def test_describe_questions_lists_practice_questions_with_full_ids(catalogue: Catalogue) -> None:
    listing = flows.describe_questions(catalogue, "en", "reflect", "explain-the-why")
    ids = [item["id"] for item in listing]
    assert ids[:2] == ["domain", "practice"]
    assert ids.index("explain-the-why.understood") < ids.index("values") < ids.index("next-step")
    assert ids[-1] == "next-step"
    by_id = {item["id"]: item for item in listing}
    assert by_id["values"]["key"] == "values"
    assert by_id["rating-trust"] | {"prompt": ""} == {
        "id": "rating-trust",
        "key": "answers.rating-trust",
        "type": "scale",
        "required": False,
        "prompt": "",
        "role": "rating",
        "min": 1,
        "max": 5,
        "rates": "trust",
    }
    with pytest.raises(NotFoundError):
        flows.describe_questions(catalogue, "en", "reflect", "be-nice")


# --- looking back: earlier next steps ---------------------------------------------------------------


def reflect_new(coach: Coach, *, domain: str, practice: str, next_step: str) -> Encounter:
    """A reflection with no preparation, ending on ``next_step`` (earlier steps left unmarked)."""
    data = {
        "domain": domain,
        "practice": practice,
        "label": "synthetic encounter",
        "answers": reflect_middle(**{"next-step": next_step}),
    }
    return flows.reflect(coach, AnswersFileConversation(data))


def test_prepare_recalls_the_pending_next_step_of_the_same_practice_first(coach: Coach) -> None:
    reflect_new(
        coach, domain="library", practice="explain-the-why", next_step="Show where the rule is written."
    )
    reflect_new(coach, domain="library", practice="listen-to-the-end", next_step="Let them finish first.")

    conversation = ScriptedConversation(prepare_script(practice="explain-the-why", **practice_answers(coach)))
    flows.prepare(coach, conversation)
    [recalled] = conversation.told(Resurfaced)
    assert recalled.because == "practice"
    assert recalled.step.text == "Show where the rule is written."
    assert recalled.step.ratings == {"trust": 4, "knowledge": 5}  # how that encounter went


def test_prepare_recalls_a_step_from_the_same_domain_when_the_practice_is_new(coach: Coach) -> None:
    reflect_new(coach, domain="school", practice="listen-to-the-end", next_step="Let them finish first.")
    conversation = ScriptedConversation(prepare_script(domain="school"))
    flows.prepare(coach, conversation)
    [recalled] = conversation.told(Resurfaced)
    assert (recalled.because, recalled.step.text) == ("domain", "Let them finish first.")


def test_nothing_is_recalled_elsewhere_or_on_a_fresh_journal(coach: Coach) -> None:
    conversation = ScriptedConversation(prepare_script())
    flows.prepare(coach, conversation)
    assert conversation.told(Resurfaced) == []

    reflect_new(coach, domain="school", practice="listen-to-the-end", next_step="Let them finish first.")
    conversation = ScriptedConversation(prepare_script(domain="health-care"))
    flows.prepare(coach, conversation)
    assert conversation.told(Resurfaced) == []


def test_reflect_marks_an_earlier_step_followed_up_and_it_is_not_offered_again(
    coach: Coach, store: Store
) -> None:
    earlier = reflect_new(coach, domain="library", practice="listen-to-the-end", next_step="Let them finish.")
    prepared = do_prepare(coach)  # library, no practice

    conversation = Recording({**reflect_middle(), "follow-up": earlier.id})
    flows.reflect(coach, conversation, encounter_id=prepared.id)
    offered = conversation.questions["follow-up"]
    assert [option_id for option_id, _ in offered.options] == [earlier.id, "none"]
    assert "Let them finish." in offered.options[0][1]
    assert offered.default == "none"

    followed = {step.encounter_id: step.followed_up for step in store.next_steps(Filter(domain="library"))}
    assert followed == {earlier.id: True, prepared.id: False}

    # the step is done: the next reflection in the library offers only the newer one
    again = Recording({"domain": "library", "practice": "none", "label": None, **reflect_middle(),
                       "follow-up": "none"})  # fmt: skip
    flows.reflect(coach, again, encounter_id="new")
    assert [option_id for option_id, _ in again.questions["follow-up"].options] == [prepared.id, "none"]


def test_an_answers_file_may_name_the_step_it_followed_up(coach: Coach, store: Store) -> None:
    earlier = reflect_new(coach, domain="library", practice="listen-to-the-end", next_step="Let them finish.")
    data = {"domain": "library", "practice": "none", "answers": {**reflect_middle(), "follow-up": earlier.id}}
    flows.reflect(coach, AnswersFileConversation(data))
    assert store.next_steps(Filter(), pending_only=True)[0].encounter_id != earlier.id
    assert [s.followed_up for s in store.next_steps(Filter()) if s.encounter_id == earlier.id] == [True]


def practice_answers(coach: Coach) -> dict[str, Any]:
    return {q.id: None for q in coach.catalogue.practice_questions("explain-the-why", "before")}


def test_reflect_on_a_prepared_encounter_with_practice_none_adds_no_practice(
    coach: Coach, store: Store
) -> None:
    prepared = do_prepare(coach)
    flows.reflect(coach, ScriptedConversation(reflect_middle()), encounter_id=prepared.id, practice="none")
    assert store.get(prepared.id).practices == []
