"""Editing an encounter as YAML: what the editor shows reads back as the same encounter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue
from encounters_cli.coach import flows
from encounters_cli.coach.conversation import ScriptedConversation
from encounters_cli.coach.editing import _answer_lines, apply_edit, to_yaml
from encounters_cli.coach.flows import Coach
from encounters_cli.errors import AnswerError
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Encounter


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def coach(catalogue: Catalogue, tmp_path: Path) -> Iterator[Coach]:
    with Store.open(tmp_path / "journal.sqlite3") as store:
        yield Coach(catalogue=catalogue, store=store, lang="en")


def reflected(
    coach: Coach, intention: str = "Explain the form.\n  Then listen.\n\nAnd check back."
) -> Encounter:
    prepared = flows.prepare(
        coach,
        ScriptedConversation(
            {
                "domain": "library",
                "practice": "explain-the-why",
                "label": "counter visit: a form",
                "intention": intention,
                "assumptions": "yes",
                "power": None,
                "voice": "- the visitor\n- their child",
                "lifeline": "trust",
                "explain-the-why.reasons": "Fees [bold]exist[/bold] # really",
                "explain-the-why.know-the-reason": "n",
            }
        ),
    )
    flows.reflect(
        coach,
        ScriptedConversation(
            {
                "what": "We talked: 10 minutes.",
                "feelings": None,
                "their-experience": "{calm}",
                "so-what": "They chose.",
                "explain-the-why.understood": 4,
                "explain-the-why.reaction": None,
                "values": ["trust", "knowledge"],
                "rating-participation": None,
                "rating-trust": 5,
                "rating-knowledge": None,
                "rating-justice": 2,
                "next-step": "Ask first.",
            }
        ),
        encounter_id=prepared.id,
    )
    return coach.store.get(prepared.id)


def test_the_editor_text_reads_back_unchanged(coach: Coach) -> None:
    encounter = reflected(coach)
    text = to_yaml(encounter)
    assert (
        yaml.safe_load(text)["answers"]["intention"] == "Explain the form.\n  Then listen.\n\nAnd check back."
    )
    assert "  intention: |-\n    Explain the form.\n      Then listen.\n\n    And check back.\n" in text
    assert apply_edit(coach, encounter, text) is False


def test_changing_one_answer_changes_only_that_answer(coach: Coach) -> None:
    encounter = reflected(coach)
    before = {answer.question_id: answer.answer for answer in encounter.answers}
    text = to_yaml(encounter).replace("next-step: Ask first.", "next-step: Ask first, then listen.")
    assert apply_edit(coach, encounter, text) is True
    after = {answer.question_id: answer.answer for answer in encounter.answers}
    assert after.pop("next-step") == "Ask first, then listen."
    before.pop("next-step")
    assert after == before
    assert encounter.ratings == {"trust": 5, "justice": 2}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("rating-trust: 5", "rating-trust: 6", "'rating-trust'"),
        ("values: [trust, knowledge]", "values: [trust, kindness]", "kindness"),
        ("ratings: {justice: 2, trust: 5}", "ratings: {trust: 9}", "rating for 'trust'"),
        ("explain-the-why.know-the-reason: false", "explain-the-why.know-the-reason: perhaps", "yes or no"),
        ("answers:", "answers:\n  made-up: x", "'made-up'"),
    ],
)
def test_an_edit_that_does_not_fit_changes_nothing(coach: Coach, old: str, new: str, expected: str) -> None:
    encounter = reflected(coach)
    original = encounter.to_json()
    text = to_yaml(encounter)
    assert old in text
    with pytest.raises(AnswerError, match=expected):
        apply_edit(coach, encounter, text.replace(old, new, 1))
    assert encounter.to_json() == original


answers_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=1, max_value=5),
    st.text(),
    st.lists(st.text(min_size=1), max_size=4),
)


@given(value=answers_values)
def test_every_answer_reads_back_as_itself(value: Any) -> None:
    lines = _answer_lines("some.question-id", value)
    document = "answers:\n" + "\n".join(f"  {line}" if line else "" for line in lines)
    assert yaml.safe_load(document) == {"answers": {"some.question-id": value}}


# the journal only grows between examples, which this test does not mind
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1).filter(lambda text: text.strip() == text))
def test_any_long_answer_survives_an_untouched_edit(coach: Coach, text: str) -> None:
    encounter = Encounter(id=coach.store.new_id(), status="logged", lang="en")
    encounter.answers = flows.log(coach, text).answers
    assert apply_edit(coach, encounter, to_yaml(encounter)) is False
