"""The catalogue: YAML → models, located problems, layering, lookups, and the shipped content."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from encounters_cli.catalogue import loader
from encounters_cli.catalogue.loader import check_paths, load_catalogue, shipped_dirs
from encounters_cli.catalogue.models import Catalogue, Localized, Question
from encounters_cli.errors import CatalogueError, NotFoundError

# A small but complete shipped catalogue, so layering tests do not depend on the real content.
BASE = """\
values:
  - id: equality
    kind: cornerstone
    name: {en: Equality, fi: Yhdenvertaisuus}
    description: {en: Everyone counts., fi: Jokainen on yhtä arvokas.}
  - id: trust
    kind: lifeline
    name: {en: Trust, fi: Luottamus}
    description: {en: People can rely on us., fi: Meihin voi luottaa.}
  - id: knowledge
    kind: lifeline
    name: {en: Knowledge, fi: Tieto}
    description: {en: People understand., fi: Ihmiset ymmärtävät.}
domains:
  - id: library
    name: {en: Library, fi: Kirjasto}
  - id: school
    name: {en: School, fi: Koulu}
practices:
  - id: explain-the-why
    title: {en: Explain the why, fi: Kerro perustelut}
    summary: {en: Give the reasons for a decision., fi: Kerro päätöksen syyt.}
    why: {en: Reasons build trust., fi: Perustelut rakentavat luottamusta.}
    steps:
      - {en: Name the decision., fi: Nimeä päätös.}
      - {en: Give the reasons., fi: Kerro syyt.}
    values: [knowledge, trust]
    domains: all
    before:
      - id: reasons
        type: long_text
        prompt: {en: Which reasons?, fi: Mitkä syyt?}
    after:
      - id: understood
        type: scale
        prompt: {en: Did they understand?, fi: Ymmärsivätkö he?}
        anchors: {1: {en: "No", fi: Ei}, 5: {en: Fully, fi: Täysin}}
  - id: open-door
    title: {en: Open door, fi: Avoin ovi}
    summary: {en: Welcome everyone., fi: Toivota kaikki tervetulleiksi.}
    why: {en: Equality starts at the door., fi: Yhdenvertaisuus alkaa ovelta.}
    steps:
      - {en: Greet., fi: Tervehdi.}
      - {en: Ask., fi: Kysy.}
    values: [equality]
    domains: [library]
    before:
      - {id: who, type: text, prompt: {en: Who comes?, fi: Kuka tulee?}}
    after:
      - {id: how, type: text, prompt: {en: How was it?, fi: Miten meni?}}
"""

SETS = """\
question_sets:
  - id: prepare
    title: {en: Prepare, fi: Valmistaudu}
    questions:
      - {id: intention, type: long_text, role: intention, prompt: {en: Intention?, fi: Aikomus?}}
      - id: lifeline
        type: choice
        options_from: lifelines
        prompt: {en: Which lifeline?, fi: Mikä elinehto?}
  - id: reflect
    title: {en: Reflect, fi: Pohdi}
    questions:
      - id: trust-rating
        type: scale
        role: rating
        rates: trust
        prompt: {en: Trust?, fi: Luottamus?}
      - {id: next, type: long_text, role: next_step, prompt: {en: Next?, fi: Seuraavaksi?}}
  - id: quick
    title: {en: Quick, fi: Pika}
    questions:
      - id: how
        type: choice
        prompt: {en: How?, fi: Miten?}
        options:
          - {id: good, label: {en: Good, fi: Hyvin}}
          - {id: bad, label: {en: Badly, fi: Huonosti}}
"""

PACK = """\
practices:
  - id: explain-the-why
    title: {en: Explain our reasons, fi: Kerro meidän perustelumme}
    summary: {en: Reworded., fi: Muotoiltu uudelleen.}
    why: {en: Reworded why., fi: Uusi perustelu.}
    steps:
      - {en: One., fi: Yksi.}
      - {en: Two., fi: Kaksi.}
    values: [trust]
    domains: [school]
    before:
      - {id: reasons, type: text, prompt: {en: Reasons?, fi: Syyt?}}
    after:
      - {id: done, type: yes_no, prompt: {en: Done?, fi: Tehty?}}
  - id: ask-first
    title: {en: Ask first, fi: Kysy ensin}
    summary: {en: Ask before deciding., fi: Kysy ennen päättämistä.}
    why: {en: Participation., fi: Osallisuus.}
    steps:
      - {en: Ask., fi: Kysy.}
      - {en: Listen., fi: Kuuntele.}
    values: [equality, knowledge]
    domains: all
    before:
      - {id: ask, type: text, prompt: {en: What will you ask?, fi: Mitä kysyt?}}
    after:
      - id: tags
        type: multi_choice
        role: values
        options_from: values
        prompt: {en: Which values?, fi: Mitkä arvot?}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Point the loader at the small catalogue above instead of the real shipped folders."""
    practices = tmp_path / "shipped" / "practices"
    prompts = tmp_path / "shipped" / "prompts"
    write(practices / "base.yaml", BASE)
    write(prompts / "sets.yaml", SETS)
    monkeypatch.setattr(loader, "shipped_dirs", lambda: [practices, prompts])
    return [practices, prompts]


@pytest.fixture
def catalogue(shipped: list[Path]) -> Catalogue:
    return load_catalogue()


def problems_for(tmp_path: Path, name: str, text: str) -> list[str]:
    path = write(tmp_path / "pack" / name, text)
    return [problem for problem in check_paths([path]) if problem.startswith(str(path))]


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


# --- located problems ------------------------------------------------------------------------


def test_yaml_syntax_error_is_located(shipped: list[Path], tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, "broken.yaml", "values:\n  - id: x\n    kind: [lifeline\n"))
    assert problem.startswith(f"{tmp_path}/pack/broken.yaml:4:1: invalid YAML:")


def test_unknown_field_names_the_field_and_what_is_allowed(shipped: list[Path], tmp_path: Path) -> None:
    text = """\
    domains:
      - id: clinic
        nmae: {en: Clinic, fi: Klinikka}
    """
    problems = problems_for(tmp_path, "typo.yaml", text)
    assert (
        f"{tmp_path}/pack/typo.yaml:3:5: domains[0].nmae: unknown field 'nmae' (did you mean 'name'?"
        in (problems[1])
    )
    assert "expected one of: id, name, description" in problems[1]
    assert problems[0].endswith("domains[0].name: missing required field 'name'")


def test_unknown_top_level_key(shipped: list[Path], tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, "top.yaml", "value: []\n"))
    assert problem == (
        f"{tmp_path}/pack/top.yaml:1:1: value: unknown top-level key 'value'"
        " (did you mean 'values'? expected one of: values, domains, practices, question_sets)"
    )


def test_missing_translation(shipped: list[Path], tmp_path: Path) -> None:
    text = """\
    domains:
      - id: clinic
        name:
          en: Clinic
    """
    problem = only(problems_for(tmp_path, "fi.yaml", text))
    assert problem == f"{tmp_path}/pack/fi.yaml:4:7: domains[0].name.fi: missing Finnish translation"


def test_wrong_type_and_wrong_choice(shipped: list[Path], tmp_path: Path) -> None:
    text = """\
    values:
      - id: care
        kind: virtue
        name: Care
        description: {en: yes, fi: Kyllä}
    """
    problems = problems_for(tmp_path, "types.yaml", text)
    assert problems == [
        f"{tmp_path}/pack/types.yaml:3:11: values[0].kind: unknown kind 'virtue'"
        " (expected one of: cornerstone, lifeline, outcome)",
        f"{tmp_path}/pack/types.yaml:4:11: values[0].name: expected a mapping with 'en' and 'fi'"
        " translations, got the text 'Care'",
        f"{tmp_path}/pack/types.yaml:5:23: values[0].description.en: expected text,"
        " got yes, which YAML reads as true (put the text in quotes)",
    ]


def test_unknown_value_id_lists_the_known_ones(shipped: list[Path], tmp_path: Path) -> None:
    text = PACK.replace("values: [equality, knowledge]", "values: [equality, trst]")
    problem = only(problems_for(tmp_path, "refs.yaml", text))
    assert problem == (
        f"{tmp_path}/pack/refs.yaml:22:24: practices[1].values[1]: unknown value id 'trst'"
        " (expected one of: equality, trust, knowledge)"
    )


def test_a_practice_with_other_problems_still_has_its_references_checked(
    shipped: list[Path], tmp_path: Path
) -> None:
    text = PACK.replace("values: [equality, knowledge]", "values: [equality, trst]").replace(
        "title: {en: Ask first, fi: Kysy ensin}", "title: {en: Ask first}"
    )
    problems = problems_for(tmp_path, "refs.yaml", text)
    assert len(problems) == 2
    assert "practices[1].title.fi: missing Finnish translation" in problems[0]
    assert problems[1].endswith(
        "practices[1].values[1]: unknown value id 'trst' (expected one of: equality, trust, knowledge)"
    )


def test_unknown_domain_and_rates_are_located(shipped: list[Path], tmp_path: Path) -> None:
    text = (
        PACK.replace("domains: [school]", "domains: [school, moon]")
        .replace("role: values\n        options_from: values", "role: rating\n        rates: hope")
        .replace("type: multi_choice", "type: scale")
    )
    problems = problems_for(tmp_path, "refs.yaml", text)
    assert problems == [
        f"{tmp_path}/pack/refs.yaml:10:23: practices[0].domains[1]: unknown domain id 'moon'"
        " (expected one of: all, library, school)",
        f"{tmp_path}/pack/refs.yaml:30:16: practices[1].after[0].rates: unknown value id 'hope'"
        " (expected one of: equality, trust, knowledge)",
    ]


def test_duplicate_id_across_files_of_one_folder_names_both_places(
    shipped: list[Path], tmp_path: Path
) -> None:
    pack = tmp_path / "pack"
    write(pack / "a.yaml", "domains:\n  - id: clinic\n    name: {en: Clinic, fi: Klinikka}\n")
    write(pack / "sub" / "b.yml", "\ndomains:\n  - id: clinic\n    name: {en: Clinic 2, fi: Klinikka 2}\n")
    problem = only(check_paths([pack]))
    assert problem == (
        f"{pack}/sub/b.yml:3:9: domains[0].id: duplicate domain id 'clinic'"
        f" (already defined at {pack}/a.yaml:2:9)"
    )


def test_three_problems_in_one_file_are_all_reported_in_line_order(
    shipped: list[Path], tmp_path: Path
) -> None:
    text = """\
    practices:
      - id: ask-first
        title: {en: Ask first, fi: Kysy ensin}
        summary: {en: Ask.}
        why: {en: Why., fi: Miksi.}
        steps:
          - {en: Ask., fi: Kysy.}
          - {en: Listen., fi: Kuuntele.}
        values: [trust]
        domains: all
        before:
          - {id: ask, type: txt, prompt: {en: Ask?, fi: Kysy?}}
        after:
          - id: rate
            type: scale
            min: 1
            max: 5
            anchors: {7: {en: Top, fi: Huippu}}
            prompt: {en: How?, fi: Miten?}
    """
    problems = problems_for(tmp_path, "three.yaml", text)
    assert [problem.split(": ")[0] for problem in problems] == [
        f"{tmp_path}/pack/three.yaml:4:14",
        f"{tmp_path}/pack/three.yaml:12:25",
        f"{tmp_path}/pack/three.yaml:18:19",
    ]
    assert "summary.fi: missing Finnish translation" in problems[0]
    assert "before[0].type: unknown type 'txt'" in problems[1]
    assert "after[0].anchors.7: anchor 7 is outside the scale (expected 1 to 5)" in problems[2]


def test_question_shape_rules(shipped: list[Path], tmp_path: Path) -> None:
    text = """\
    question_sets:
      - id: workshop
        title: {en: Workshop, fi: Työpaja}
        questions:
          - {id: pick, type: choice, prompt: {en: Pick, fi: Valitse}}
          - {id: rate, type: scale, role: rating, prompt: {en: Rate, fi: Arvioi}}
          - {id: tags, type: choice, role: values, options_from: values, prompt: {en: T, fi: T}}
          - {id: text, type: text, options_from: values, prompt: {en: T, fi: T}}
    """
    problems = problems_for(tmp_path, "shapes.yaml", text)
    assert [problem.split(": ", 2)[1:] for problem in problems] == [
        ["question_sets[0].questions[0]", "a choice question needs 'options' or 'options_from'"],
        [
            "question_sets[0].questions[1]",
            "a question with role 'rating' needs 'rates' (the id of the value it rates)",
        ],
        [
            "question_sets[0].questions[2].role",
            "role 'values' needs a multi_choice question (this one is 'choice')",
        ],
        [
            "question_sets[0].questions[3].options_from",
            "options_from is only for choice and multi_choice questions (this one is 'text')",
        ],
    ]


def test_empty_file_and_non_mapping_are_located(shipped: list[Path], tmp_path: Path) -> None:
    assert only(problems_for(tmp_path, "empty.yaml", "# nothing yet\n")).startswith(
        f"{tmp_path}/pack/empty.yaml:1:1: the file is empty"
    )
    assert only(problems_for(tmp_path, "list.yaml", "\n- values\n")).startswith(
        f"{tmp_path}/pack/list.yaml:2:1: expected a mapping with one or more of: values, domains"
    )


def test_missing_extra_folder_is_a_problem(shipped: list[Path], tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([tmp_path / "nowhere"])
    assert caught.value.problems == [f"{tmp_path}/nowhere: no such file or folder"]


def test_load_reports_every_problem_in_every_file(shipped: list[Path], tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    write(pack / "a.yaml", "domains:\n  - id: Clinic\n    name: {en: C, fi: K}\n")
    write(pack / "b.yaml", "values: {}\n")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([pack])
    assert [problem.split(": ")[0] for problem in caught.value.problems] == [
        f"{pack}/a.yaml:2:9",
        f"{pack}/b.yaml:1:9",
    ]
    assert "(and 1 more problem; run 'encounters check')" in str(caught.value)


def test_required_question_sets_only_checked_by_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    practices = write(tmp_path / "practices" / "base.yaml", BASE).parent
    monkeypatch.setattr(loader, "shipped_dirs", lambda: [practices])
    assert check_paths([]) == []
    with pytest.raises(CatalogueError) as caught:
        load_catalogue()
    assert [problem.rsplit(": ", 2)[-2:][0] for problem in caught.value.problems] == [
        "missing question set 'prepare' (the coach needs",
        "missing question set 'reflect' (the coach needs",
        "missing question set 'quick' (the coach needs",
    ]


# --- layering --------------------------------------------------------------------------------


def test_a_pack_replaces_a_shipped_practice_and_adds_a_new_one(shipped: list[Path], tmp_path: Path) -> None:
    pack = write(tmp_path / "pack" / "ours.yaml", PACK).parent
    catalogue = load_catalogue([pack])
    assert list(catalogue.practices) == ["explain-the-why", "open-door", "ask-first"]
    replaced = catalogue.practice("explain-the-why")
    assert replaced.title.en == "Explain our reasons"
    assert replaced.domains == ["school"]
    assert [p.id for p in catalogue.practices_for_domain("library")] == ["open-door", "ask-first"]
    assert catalogue.sources == [shipped[0] / "base.yaml", shipped[1] / "sets.yaml", pack / "ours.yaml"]


def test_check_paths_on_a_valid_pack_finds_nothing(shipped: list[Path], tmp_path: Path) -> None:
    pack = write(tmp_path / "pack" / "ours.yaml", PACK).parent
    assert check_paths([pack]) == []
    assert check_paths([pack / "ours.yaml"]) == []


def test_version_is_stable_and_follows_content(shipped: list[Path]) -> None:
    first = load_catalogue().version
    assert first.startswith("cat-")
    assert load_catalogue().version == first
    path = shipped[0] / "base.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Open door", "Open doors"), encoding="utf-8")
    assert load_catalogue().version != first


# --- lookups ---------------------------------------------------------------------------------


def test_options_for_static_and_resolved(catalogue: Catalogue) -> None:
    prepare = catalogue.question_set("prepare")
    lifeline = prepare.questions[1]
    assert [(item_id, label.en) for item_id, label in catalogue.options_for(lifeline)] == [
        ("trust", "Trust"),
        ("knowledge", "Knowledge"),
    ]
    quick = catalogue.question_set("quick").questions[0]
    assert [item_id for item_id, _ in catalogue.options_for(quick)] == ["good", "bad"]
    practices_question = lifeline.model_copy(update={"options_from": "practices"})
    assert catalogue.options_for(practices_question)[0] == (
        "explain-the-why",
        catalogue.practice("explain-the-why").title,
    )
    domains_question = lifeline.model_copy(update={"options_from": "domains"})
    assert [item_id for item_id, _ in catalogue.options_for(domains_question)] == ["library", "school"]


def test_practice_questions_get_full_ids(catalogue: Catalogue) -> None:
    before = catalogue.practice_questions("explain-the-why", "before")
    after = catalogue.practice_questions("explain-the-why", "after")
    assert [question.id for question in before] == ["explain-the-why.reasons"]
    assert [question.id for question in after] == ["explain-the-why.understood"]
    assert catalogue.practice("explain-the-why").before[0].id == "reasons"  # the catalogue is unchanged
    with pytest.raises(ValueError, match="phase"):
        catalogue.practice_questions("explain-the-why", "during")


def test_lookups_name_the_valid_ids(catalogue: Catalogue) -> None:
    with pytest.raises(NotFoundError) as caught:
        catalogue.practice("explain")
    assert str(caught.value) == "unknown practice 'explain' (expected one of: explain-the-why, open-door)"
    assert catalogue.value("trust").kind == "lifeline"
    assert [value.id for value in catalogue.values_of_kind("lifeline")] == ["trust", "knowledge"]
    assert catalogue.domain("school").description is None
    assert [p.id for p in catalogue.practices_for_domain(None)] == ["explain-the-why", "open-door"]


def test_search_practices_ranks_titles_first(catalogue: Catalogue) -> None:
    assert [p.id for p in catalogue.search_practices("DOOR", "en")] == ["open-door"]
    assert [p.id for p in catalogue.search_practices("perustelu", "fi")] == ["explain-the-why"]
    # "trust" is in explain-the-why's why text only; "luottamus" likewise in Finnish
    assert [p.id for p in catalogue.search_practices("luottamus", "en")] == ["explain-the-why"]
    # a title match outranks a match in steps ("Greet." is a step of open-door)
    assert [p.id for p in catalogue.search_practices("e", "en")][:1] == ["explain-the-why"]
    assert catalogue.search_practices("nothing like this", "en") == []


def test_localized_falls_back_to_english() -> None:
    text = Localized(en="Hello", fi="Hei")
    assert text.get("fi") == "Hei"
    assert text.get("fi_FI.UTF-8") == "Hei"
    assert text.get("sv") == "Hello"
    question = Question.model_validate({"id": "q", "type": "text", "prompt": {"en": " Hi \n", "fi": "Moi"}})
    assert question.prompt.en == "Hi"


# --- the shipped catalogue -------------------------------------------------------------------


def test_shipped_dirs_prefer_the_installed_package_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "files", lambda package: tmp_path)
    repository = Path(loader.__file__).resolve().parents[3]
    # an editable install has no data/ in the package: the checkout's folders are used
    assert shipped_dirs() == [repository / "practices", repository / "prompts"]
    for name in ("practices", "prompts"):
        (tmp_path / "data" / name).mkdir(parents=True)
    assert shipped_dirs() == [tmp_path / "data" / "practices", tmp_path / "data" / "prompts"]


def _shipped_content() -> list[Path]:
    return [path for folder in shipped_dirs() if folder.is_dir() for path in sorted(folder.rglob("*.yaml"))]


needs_content = pytest.mark.skipif(
    not _shipped_content(), reason="the shipped practices/ and prompts/ YAML files have not been written yet"
)


@needs_content
def test_shipped_catalogue_loads() -> None:
    catalogue = load_catalogue()
    assert catalogue.version.startswith("cat-")
    assert check_paths([]) == []


@needs_content
def test_shipped_catalogue_invariants() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.practices) >= 18
    for value in catalogue.values.values():
        serving = [p.id for p in catalogue.practices.values() if value.id in p.values]
        assert len(serving) >= 3, f"value {value.id!r} is served by only {serving}"
    for practice in catalogue.practices.values():
        assert 2 <= len(practice.steps) <= 5, practice.id
        assert practice.before, practice.id
        assert practice.after, practice.id
    prepare = catalogue.question_set("prepare")
    assert 4 <= len(prepare.questions) <= 6
    reflect = catalogue.question_set("reflect")
    assert reflect.questions[-1].role == "next_step"
    lifelines = {value.id for value in catalogue.values_of_kind("lifeline")}
    assert len(lifelines) == 4
    rated = {q.rates for q in reflect.questions if q.role == "rating"}
    assert lifelines <= rated
    catalogue.question_set("quick")
