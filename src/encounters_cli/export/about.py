"""The data description ("about") that goes with every export: codebook, variables, settings, counts.

It travels inline in ``json``, as ``<out>.about.json`` beside ``jsonl`` and ``csv``, at the front of
``md`` and in a ``qdpx`` project's description. It never holds an original identifier, the study key,
a user or host name, a path or an exact time when the export is anonymised: only counts, settings,
the catalogue's wording and a month. docs/research.md documents every key.

Core module: no typer, no rich.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from encounters_cli import __version__

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue, Localized, Question
    from encounters_cli.export.anonymise import AnonymisationReport, AnonymiseSettings

FORMAT_VERSION = 1
TOOL = "encounters"
STUDY_CHECK_MESSAGE = b"encounters-study-check"

PRECISION_NAMES_FI = {"day": "päivän", "week": "viikon", "month": "kuukauden", "quarter": "vuosineljänneksen"}

STATEMENTS = {
    "anonymised": {
        "en": (
            "Pseudonymised research data, not anonymous data. Entries marked private were left out."
            " Identifiers the tool recognises in free text (see settings.recognised and"
            " counts.identifiers) were replaced with numbered placeholders. Dates were coarsened to"
            " {precision} precision or coarser and times of day removed. Every combination of domain,"
            " period, language and practices is shared by at least {k} records; rarer ones were"
            " generalised or left out. Participants and entries are named by pseudonyms keyed with the"
            " study key and a secret that stays on the participant's computer, so the participant can"
            " link this data back to their journal. Free text can also still identify people in ways no"
            " recogniser catches. Under the GDPR this is personal data: keep and process it as"
            " pseudonymised data."
        ),
        "fi": (
            "Pseudonymisoitua tutkimusaineistoa, ei anonyymiä aineistoa. Yksityisiksi merkityt merkinnät"
            " on jätetty pois. Vapaasta tekstistä löydetyt tunnistetiedot (ks. settings.recognised ja"
            " counts.identifiers) on korvattu numeroiduilla paikkamerkeillä. Päivämäärät on karkeistettu"
            " {precision_fi} tarkkuuteen tai karkeammiksi, ja kellonajat on poistettu. Jokaisen"
            " palvelualan, ajanjakson, kielen ja käytäntöjen yhdistelmän jakaa vähintään {k} merkintää;"
            " harvinaisemmat on yleistetty tai jätetty pois. Osallistujat ja merkinnät on nimetty"
            " pseudonyymeillä, jotka johdetaan tutkimusavaimesta ja osallistujan koneella säilyvästä"
            " salaisuudesta, joten osallistuja voi yhdistää aineiston omaan päiväkirjaansa. Lisäksi vapaa"
            " teksti voi yhä paljastaa ihmisiä tavoilla, joita mikään tunnistin ei havaitse. EU:n"
            " tietosuoja-asetuksen mukaan tämä on henkilötietoa: säilytä ja käsittele sitä"
            " pseudonymisoituna aineistona."
        ),
    },
    "merged": {
        "en": (
            "Pseudonymised research data, not anonymous data, merged from {inputs} anonymised exports"
            " of {participants} participants. Each export left out entries marked private, replaced"
            " identifiers the tool recognises in free text with numbered placeholders (numbered within"
            " one export: [PERSON-1] of one participant is not [PERSON-1] of another), coarsened dates"
            " (each record's date_precision says how far) and removed times of day. After merging, every"
            " combination of domain, period, language and practices is shared by at least {k} records;"
            " rarer ones were generalised or left out. Participants and entries are named by pseudonyms"
            " keyed with the study key and a secret on each participant's computer, so each participant"
            " can link their part back to their journal. Free text can also still identify people in"
            " ways no recogniser catches. Under the GDPR this is personal data: keep and process it as"
            " pseudonymised data."
        ),
        "fi": (
            "Pseudonymisoitua tutkimusaineistoa, ei anonyymiä aineistoa, yhdistetty {inputs}"
            " anonymisoidusta viennistä, joissa on {participants} osallistujaa. Jokaisesta viennistä on"
            " jätetty pois yksityisiksi merkityt merkinnät, vapaasta tekstistä löydetyt tunnistetiedot on"
            " korvattu numeroiduilla paikkamerkeillä (numerointi on viennin sisäinen: yhden osallistujan"
            " [PERSON-1] ei ole toisen [PERSON-1]), päivämäärät on karkeistettu (kunkin merkinnän"
            " date_precision kertoo, kuinka paljon) ja kellonajat poistettu. Yhdistämisen jälkeen"
            " jokaisen palvelualan, ajanjakson, kielen ja käytäntöjen yhdistelmän jakaa vähintään {k}"
            " merkintää; harvinaisemmat on yleistetty tai jätetty pois. Osallistujat ja merkinnät on"
            " nimetty pseudonyymeillä, jotka johdetaan tutkimusavaimesta ja kunkin osallistujan koneella"
            " säilyvästä salaisuudesta, joten jokainen osallistuja voi yhdistää oman osuutensa"
            " päiväkirjaansa. Lisäksi vapaa teksti voi yhä paljastaa ihmisiä tavoilla, joita mikään"
            " tunnistin ei havaitse. EU:n tietosuoja-asetuksen mukaan tämä on henkilötietoa: säilytä ja"
            " käsittele sitä pseudonymisoituna aineistona."
        ),
    },
    "plain": {
        "en": (
            "Not anonymised: this export holds the journal as written, with its full text, exact times"
            " and entry ids. It is personal data about the writer and may be about the people they met;"
            " keep it as carefully as the journal itself."
        ),
        "fi": (
            "Ei anonymisoitu: tämä vienti sisältää päiväkirjan sellaisenaan, koko tekstin, tarkat ajat ja"
            " merkintöjen tunnisteet. Se on henkilötietoa kirjoittajasta ja voi koskea myös hänen"
            " kohtaamiaan ihmisiä; säilytä sitä yhtä huolellisesti kuin itse päiväkirjaa."
        ),
    },
}

# name -> description (en, fi). Names are the record's keys; answers' keys are "answers[].<key>"
# (jsonl/json), and the same words are used for the columns of the tidy csv.
_ANONYMISED_VARIABLES: dict[str, tuple[str, str]] = {
    "id": (
        "Record pseudonym: 16 hex characters of HMAC-SHA256 under the study key. Stable across this"
        " participant's exports for the same study; not the journal's entry id.",
        "Merkinnän pseudonyymi: 16 heksamerkkiä HMAC-SHA256-tiivisteestä tutkimusavaimella. Pysyy"
        " samana saman osallistujan saman tutkimuksen vienneissä; ei päiväkirjan merkintätunniste.",
    ),
    "participant": (
        "Participant pseudonym: 'P-' and 12 hex characters of HMAC-SHA256 under the study key.",
        "Osallistujan pseudonyymi: 'P-' ja 12 heksamerkkiä HMAC-SHA256-tiivisteestä tutkimusavaimella.",
    ),
    "status": (
        "prepared (only the before-part), reflected (before and after) or logged (a quick note).",
        "prepared (vain valmistautuminen), reflected (ennen ja jälkeen) tai logged (pikamerkintä).",
    ),
    "period": (
        "When the encounter was written (UTC date), at date_precision: 2026-03-14, ISO week"
        " 2026-W11, 2026-03 or 2026-Q1.",
        "Milloin merkintä kirjoitettiin (UTC-päivä) date_precision-tarkkuudella: 2026-03-14,"
        " ISO-viikko 2026-W11, 2026-03 tai 2026-Q1.",
    ),
    "date_precision": (
        "Precision of this record's period: day, week, month or quarter (coarser than chosen when"
        " k-anonymity generalised it).",
        "Tämän merkinnän ajanjakson tarkkuus: day, week, month tai quarter (valittua karkeampi, kun"
        " k-anonymiteetti on yleistänyt sen).",
    ),
    "domain": (
        "Service domain id (codebook.domains); 'other' also when k-anonymity generalised it.",
        "Palvelualan tunniste (codebook.domains); 'other' myös silloin, kun k-anonymiteetti yleisti sen.",
    ),
    "lang": ("Language the entry was written in: en or fi.", "Merkinnän kieli: en tai fi."),
    "practices": (
        "Practice ids tried (codebook.practices).",
        "Kokeillut käytännöt tunnisteina (codebook.practices).",
    ),
    "values": (
        "Value ids the writer tagged (codebook.values).",
        "Arvot, jotka kirjoittaja liitti merkintään (codebook.values).",
    ),
    "ratings": (
        "The writer's own 1-5 perception per value id (not the citizen's view).",
        "Kirjoittajan oma arvio 1-5 arvoittain (ei kansalaisen näkemys).",
    ),
    "label": (
        "Short title the writer gave, identifiers replaced by placeholders such as [PERSON-1].",
        "Kirjoittajan antama lyhyt otsikko, tunnisteet korvattu paikkamerkeillä kuten [PERSON-1].",
    ),
    "workshop": (
        "Workshop script id when written during a workshop run, else null.",
        "Työpajakäsikirjoituksen tunniste, jos merkintä kirjoitettiin työpajassa, muuten null.",
    ),
    "workshop_step": ("The workshop step, else null.", "Työpajan vaihe, muuten null."),
    "answers[].question_id": (
        "Question id (codebook.questions); practice questions are '<practice>.<question>'.",
        "Kysymyksen tunniste (codebook.questions); käytäntöjen kysymykset ovat '<käytäntö>.<kysymys>'.",
    ),
    "answers[].phase": (
        "before (preparation), after (reflection) or quick (quick log).",
        "before (valmistautuminen), after (reflektio) tai quick (pikamerkintä).",
    ),
    "answers[].question": (
        "The question's wording as it was asked (catalogue text).",
        "Kysymyksen sanamuoto sellaisena kuin se kysyttiin (luettelon teksti).",
    ),
    "answers[].question_type": (
        "text, long_text, choice, multi_choice, scale or yes_no.",
        "text, long_text, choice, multi_choice, scale tai yes_no.",
    ),
    "answers[].role": (
        "What the question is for (intention, label, values, rating, next_step), else null.",
        "Kysymyksen tehtävä (intention, label, values, rating, next_step), muuten null.",
    ),
    "answers[].answer": (
        "The answer: text with identifiers replaced by placeholders, option id(s), a scale point or"
        " true/false; null when skipped.",
        "Vastaus: teksti, jonka tunnisteet on korvattu paikkamerkeillä, vaihtoehtojen tunnisteet,"
        " asteikon arvo tai true/false; null, jos ohitettu.",
    ),
    "answers[].catalogue_version": (
        "Catalogue version the question was asked under.",
        "Luettelon versio, jolla kysymys esitettiin.",
    ),
    "rating_<value id>": (
        "csv: the rating of that value (the ratings field), empty when not rated. The tidy csv has one"
        " row per answer with the answers[] fields as columns without the prefix.",
        "csv: kyseisen arvon arvio (ratings-kenttä), tyhjä jos ei arvioitu. Pitkämuotoisessa csv:ssä on rivi"
        " vastausta kohden, ja answers[]-kentät ovat sarakkeina ilman etuliitettä.",
    ),
    "answer_<question id>": (
        "csv --wide: the answer to that question, one row per encounter; lists joined with ';'.",
        "csv --wide: vastaus kyseiseen kysymykseen, rivi merkintää kohden; luettelot yhdistetty"
        " ';'-merkillä.",
    ),
}

_PLAIN_ONLY: dict[str, tuple[str, str]] = {
    "id": ("The journal's entry id (32 hex).", "Päiväkirjan merkintätunniste (32 heksamerkkiä)."),
    "created_at": ("When the entry was written, UTC.", "Milloin merkintä kirjoitettiin, UTC."),
    "updated_at": ("When the entry was last changed, UTC.", "Milloin merkintää viimeksi muutettiin, UTC."),
    "private": (
        "Whether the writer marked the entry private.",
        "Onko kirjoittaja merkinnyt merkinnän yksityiseksi.",
    ),
    "label": ("Short title the writer gave.", "Kirjoittajan antama lyhyt otsikko."),
    "answers[].answer": (
        "The answer as written: text, option id(s), a scale point or true/false; null when skipped.",
        "Vastaus sellaisenaan: teksti, vaihtoehtojen tunnisteet, asteikon arvo tai true/false; null,"
        " jos ohitettu.",
    ),
    "answers[].answered_at": ("When the question was answered, UTC.", "Milloin kysymykseen vastattiin, UTC."),
}
_PLAIN_ORDER = (
    "id",
    "status",
    "created_at",
    "updated_at",
    "domain",
    "practices",
    "values",
    "ratings",
    "label",
    "private",
    "lang",
    "workshop",
    "workshop_step",
    "answers[].question_id",
    "answers[].phase",
    "answers[].question",
    "answers[].question_type",
    "answers[].answer",
    "answers[].role",
    "answers[].catalogue_version",
    "answers[].answered_at",
    "rating_<value id>",
    "answer_<question id>",
)


def study_key_check(study_key: str) -> str:
    """First 16 hex of HMAC-SHA256(key, b"encounters-study-check"): tells whether two exports used
    the same study key without revealing it."""
    return hmac.new(study_key.encode("utf-8"), STUDY_CHECK_MESSAGE, hashlib.sha256).hexdigest()[:16]


def _names(text: Localized) -> dict[str, str]:
    return {"en": text.en, "fi": text.fi}


def _question(catalogue: Catalogue, question: Question, set_id: str, **where: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": question.id, "set": set_id, **where, "type": question.type}
    entry["role"] = question.role
    entry["texts"] = _names(question.prompt)
    if question.type in ("choice", "multi_choice"):
        entry["options"] = [
            {"id": option_id, "names": _names(label)} for option_id, label in catalogue.options_for(question)
        ]
    else:
        entry["options"] = None
    if question.type == "scale":
        entry["scale"] = {
            "min": question.min,
            "max": question.max,
            "anchors": {
                str(point): _names(label) for point, label in sorted((question.anchors or {}).items())
            },
        }
    if question.rates:
        entry["rates"] = question.rates
    return entry


def codebook(catalogue: Catalogue) -> dict[str, Any]:
    """Every code a record can hold, with its names in English and Finnish.

    Question sets' questions have their plain ids (``set`` is prepare, reflect or quick); a
    practice's questions have the full ids answers carry (``explain-the-why.reasons``), ``set``
    ``practice`` and the practice and phase they belong to.
    """
    questions = [
        _question(catalogue, question, question_set.id)
        for question_set in catalogue.question_sets.values()
        for question in question_set.questions
    ]
    for practice in catalogue.practices.values():
        for phase in ("before", "after"):
            for question in catalogue.practice_questions(practice.id, phase):
                questions.append(
                    _question(catalogue, question, "practice", practice=practice.id, phase=phase)
                )
    return {
        "values": [
            {"id": value.id, "kind": value.kind, "names": _names(value.name)}
            for value in catalogue.values.values()
        ],
        "domains": [{"id": domain.id, "names": _names(domain.name)} for domain in catalogue.domains.values()],
        "practices": [
            {"id": practice.id, "names": _names(practice.title), "values": list(practice.values)}
            for practice in catalogue.practices.values()
        ],
        "questions": questions,
    }


def variables(*, anonymised: bool, lang: str = "en") -> list[dict[str, str]]:
    """Name and description of every field (and tidy csv column) a researcher sees."""
    index = 1 if lang == "fi" else 0
    if anonymised:
        return [{"name": name, "description": texts[index]} for name, texts in _ANONYMISED_VARIABLES.items()]
    return [
        {"name": name, "description": (_PLAIN_ONLY.get(name) or _ANONYMISED_VARIABLES[name])[index]}
        for name in _PLAIN_ORDER
    ]


def recognised_kinds() -> list[str]:
    """The identifier kinds the privacy recognisers look for, as named in placeholders."""
    from encounters_cli import privacy

    kinds = getattr(privacy, "KINDS", None)
    if kinds is None:
        from encounters_cli.privacy import recognisers

        kinds = recognisers.KINDS
    return list(kinds)


def statement(*, anonymised: bool, settings: AnonymiseSettings | None) -> dict[str, str]:
    if not anonymised or settings is None:
        return dict(STATEMENTS["plain"])
    values = {
        "precision": settings.date_precision,
        "precision_fi": PRECISION_NAMES_FI[settings.date_precision],
        "k": settings.k,
    }
    return {lang: text.format(**values) for lang, text in STATEMENTS["anonymised"].items()}


def exported_at(*, anonymised: bool, now: datetime | None = None) -> str:
    """The month only when anonymised (an exact time could single out who exported when)."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m") if anonymised else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(
    catalogue: Catalogue,
    *,
    anonymised: bool,
    settings: AnonymiseSettings | None,
    report: AnonymisationReport | None,
    lang: str,
    exported: int | None = None,
) -> dict[str, Any]:
    """The data description of one export. ``exported`` counts a plain export's records (an
    anonymised one takes it from the report)."""
    statements = statement(anonymised=anonymised, settings=settings)
    code = "fi" if lang == "fi" else "en"
    about: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": TOOL, "version": __version__},
        "exported_at": exported_at(anonymised=anonymised),
        "anonymised": anonymised,
        "statement": statements[code],
        "statements": statements,
    }
    if anonymised and settings is not None:
        about["settings"] = {
            "date_precision": settings.date_precision,
            "k": settings.k,
            "study_key_check": study_key_check(settings.study_key),
            "recognised": recognised_kinds(),
        }
        counts = report.to_json() if report is not None else {}
    else:
        about["settings"] = None
        counts = {"exported": exported} if exported is not None else {}
    about["counts"] = counts
    about["catalogue_version"] = catalogue.version
    about["codebook"] = codebook(catalogue)
    about["variables"] = variables(anonymised=anonymised, lang=code)
    return about


def merged_description(
    book: dict[str, Any],
    *,
    inputs: int,
    participants: int,
    entries: int,
    counts: dict[str, Any],
    merge_counts: dict[str, Any],
    settings: dict[str, Any],
    catalogue_versions: list[Any],
    lang: str,
) -> dict[str, Any]:
    """The description of a merged data set: the inputs' counts summed, the merge's own k-anonymity
    step under ``counts.merge``, the union of the inputs' codebooks."""
    statements = {
        code: text.format(inputs=inputs, participants=participants, k=settings["k"])
        for code, text in STATEMENTS["merged"].items()
    }
    versions = sorted({str(version) for version in catalogue_versions if version})
    code = "fi" if lang == "fi" else "en"
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": TOOL, "version": __version__},
        "exported_at": exported_at(anonymised=True),
        "anonymised": True,
        "merged": True,
        "statement": statements[code],
        "statements": statements,
        "inputs": inputs,
        "participants": participants,
        "entries": entries,
        "settings": settings,
        "counts": {**counts, "merge": merge_counts},
        "catalogue_version": versions[0] if len(versions) == 1 else "mixed",
        "catalogue_versions": versions,
        "codebook": book,
        "variables": variables(anonymised=True, lang=code),
    }
