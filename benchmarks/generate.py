"""Generate a realistic synthetic journal for the benchmarks, fast.

    python benchmarks/generate.py --entries 100000 --home /tmp/bench-home [--jrnl /tmp/bench-jrnl]

The journal is created by ``Store.open`` (the real schema and migrations), then filled with
``executemany`` in one transaction: encounters in every status, with the answers the real flows
store (the catalogue's own questions and their snapshot texts, the practices' questions), value
tags, ratings, labels, domains, practices, some private and some workshop entries, follow-ups, and
the search index. Free-text answers are synthetic professional prose in English or Finnish, about
80 words for the main questions. ``--home`` then works as ENCOUNTERS_HOME.

``--jrnl DIR`` also writes the same entries as a jrnl plain-text journal (``DIR/journal.txt``) and
a config for it (``DIR/jrnl.yaml``, for ``jrnl --config-file``), for the comparison in run.py:
one entry per encounter, its label (or first sentence) as the title, its text as the body, and its
values as ``@tags``. The format follows jrnl's Journal._to_text / Entry.__str__ (4.6): ``[date]
title`` with the date in the configured ``timeformat``, the body on the lines after, and a blank
line between entries, oldest first.

Everything is synthetic and reproducible (``--seed``); no real person appears in any text.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from json.encoder import encode_basestring
from pathlib import Path

WORKSHOPS = ("ws-dialogue-basics", "ws-fair-decisions")
VERSION = 2  # of what is generated: run.py makes journals again when this changes
# run.py searches for two words: one in about a fifth of the entries, one in about 1 % of them
COMMON_WORD = "interpreter"
RARER_WORD = "apprenticeship"
JRNL_TIMEFORMAT = "%Y-%m-%d %H:%M"

# --- synthetic prose ----------------------------------------------------------------------------

EN = {
    "who": [
        "the parent",
        "the pupil",
        "the client",
        "the patient",
        "the applicant",
        "the resident",
        "the jobseeker",
        "the guardian",
        "the young person",
        "the caregiver",
        "the tenant",
        "the library visitor",
        "the family",
        "the elderly customer",
        "the student",
        "the father",
        "the mother",
        "the new arrival",
        "the child",
        "the neighbour who came along",
    ],
    "topic": [
        "the transfer decision",
        "the benefit application",
        "the care plan",
        "the waiting list",
        "the school placement",
        "the rent arrears",
        "the training course",
        "the appeal process",
        "the home visit",
        "the medication change",
        "the study plan",
        "the housing allowance",
        "the daycare hours",
        "the library fine",
        "the permit renewal",
        "the support meeting",
        "the job interview",
        "the language course",
        "the assessment report",
        "the complaint",
        "the travel grant",
        "the special needs support",
        "the discharge plan",
        "the deadline",
    ],
    "act": [
        "explained the reasons behind",
        "walked through",
        "asked open questions about",
        "listened to the concerns about",
        "checked what they already knew about",
        "wrote down together the next steps for",
        "slowed down when we came to",
        "admitted that I could not promise anything about",
        "showed the written rules for",
        "asked what would make a difference in",
        "offered two real options for",
        "gave time to disagree with",
        "summarised in plain language",
    ],
    "feeling": [
        "relieved",
        "tense at first",
        "hurried",
        "uncertain",
        "calmer than I expected",
        "frustrated with the system",
        "hopeful",
        "tired but focused",
        "moved",
        "a little defensive",
        "curious",
        "unsure whether I was fair",
    ],
    "insight": [
        "people trust the process more when they can see it",
        "a short pause gave room for the real question",
        "my assumption about their situation was wrong",
        "plain words mattered more than the full regulation",
        "asking first changed the whole tone",
        "the decision felt fairer once the criteria were on the table",
        "being heard seemed more important than the outcome",
        "I had more power in the room than I noticed",
        "the child had a clear view when asked directly",
        "small promises kept build more trust than big ones",
    ],
    "plan": [
        "send a written summary by Friday",
        "call back after the decision",
        "book a longer slot next time",
        "ask the interpreter to join earlier",
        "check the form with a colleague",
        "explain the appeal route in writing",
        "start with their priorities",
        "bring the criteria on paper",
        "invite the child to speak first",
        "follow up on the promise within a week",
    ],
    "extra": [
        "An interpreter joined by phone for the second half.",
        "We met in a quiet room instead of the service desk.",
        "The queue outside made the meeting feel rushed.",
        "A colleague was present for part of the time.",
        "The online form had failed twice before the visit.",
        "It was the third meeting about the same matter.",
        "The previous letter had used terms nobody understood.",
        "The meeting ended a few minutes early.",
    ],
}
FI = {
    "who": [
        "vanhempi",
        "oppilas",
        "asiakas",
        "potilas",
        "hakija",
        "asukas",
        "työnhakija",
        "huoltaja",
        "nuori",
        "omainen",
        "vuokralainen",
        "kirjaston kävijä",
        "perhe",
        "iäkäs asiakas",
        "opiskelija",
        "isä",
        "äiti",
        "äskettäin muuttanut",
        "lapsi",
        "mukana ollut naapuri",
    ],
    "topic": [
        "siirtopäätös",
        "etuushakemus",
        "hoitosuunnitelma",
        "jonotilanne",
        "koulupaikka",
        "vuokrarästit",
        "koulutus",
        "muutoksenhaku",
        "kotikäynti",
        "lääkemuutos",
        "opintosuunnitelma",
        "asumistuki",
        "varhaiskasvatuksen tunnit",
        "kirjaston maksu",
        "luvan uusiminen",
        "tukipalaveri",
        "työhaastattelu",
        "kielikurssi",
        "arviointiraportti",
        "muistutus",
        "matka-avustus",
        "tehostettu tuki",
        "kotiutussuunnitelma",
        "määräaika",
    ],
    "act": [
        "selitin perustelut asiaan",
        "kävimme läpi asian",
        "kysyin avoimesti asiasta",
        "kuuntelin huolet liittyen asiaan",
        "tarkistin, mitä hän jo tiesi asiasta",
        "kirjasimme yhdessä seuraavat askeleet asiaan",
        "hidastin, kun päästiin kohtaan",
        "myönsin, etten voi luvata mitään asiasta",
        "näytin kirjalliset säännöt koskien asiaa",
        "kysyin, mikä auttaisi asiassa",
        "tarjosin kaksi todellista vaihtoehtoa asiaan",
        "annoin tilaa olla eri mieltä asiasta",
        "tiivistin selkokielellä asian",
    ],
    "feeling": [
        "helpottunut",
        "aluksi jännittynyt",
        "kiireinen",
        "epävarma",
        "odotettua rauhallisempi",
        "turhautunut järjestelmään",
        "toiveikas",
        "väsynyt mutta keskittynyt",
        "liikuttunut",
        "hieman puolustuskannalla",
        "utelias",
        "epävarma siitä, olinko reilu",
    ],
    "insight": [
        "ihmiset luottavat prosessiin enemmän, kun he näkevät sen",
        "lyhyt tauko antoi tilaa varsinaiselle kysymykselle",
        "oletukseni hänen tilanteestaan oli väärä",
        "selkeät sanat merkitsivät enemmän kuin koko säädös",
        "kysyminen ensin muutti koko sävyn",
        "päätös tuntui reilummalta, kun perusteet olivat esillä",
        "kuulluksi tuleminen tuntui tärkeämmältä kuin lopputulos",
        "minulla oli huoneessa enemmän valtaa kuin huomasin",
        "lapsella oli selvä näkemys, kun häneltä kysyttiin suoraan",
        "pienten lupausten pitäminen rakentaa luottamusta",
    ],
    "plan": [
        "lähetän kirjallisen yhteenvedon perjantaihin mennessä",
        "soitan päätöksen jälkeen",
        "varaan ensi kerralla pidemmän ajan",
        "pyydän tulkin mukaan aiemmin",
        "tarkistan lomakkeen kollegan kanssa",
        "selitän muutoksenhaun kirjallisesti",
        "aloitan hänen omista toiveistaan",
        "tuon perusteet paperilla",
        "pyydän lasta puhumaan ensin",
        "palaan lupaukseen viikon sisällä",
    ],
    "extra": [
        "Tulkki osallistui puhelimitse toisella puoliskolla.",
        "Tapasimme rauhallisessa huoneessa palvelutiskin sijaan.",
        "Ulkona odottava jono teki tapaamisesta kiireisen.",
        "Kollega oli paikalla osan aikaa.",
        "Verkkolomake oli kaatunut kahdesti ennen käyntiä.",
        "Se oli jo kolmas tapaaminen samasta asiasta.",
        "Edellisessä kirjeessä oli käytetty termejä, joita kukaan ei ymmärtänyt.",
        "Tapaaminen päättyi muutaman minuutin etuajassa.",
    ],
}
EN_SENTENCES = [
    "I met {who} about {topic}.",
    "I {act} {topic} with {who}.",
    "I felt {feeling} during the talk.",
    "Afterwards I noticed that {insight}.",
    "Next time I will {plan}.",
    "{extra}",
    "At one point {who} asked why {topic} takes so long.",
    "I think {insight}.",
    "Before the meeting I was {feeling}, and {who} seemed to be too.",
    "We agreed that I will {plan}.",
    "It became clear that {topic} had been explained badly before.",
]
FI_SENTENCES = [
    "Tapasin: {who}, aiheena {topic}.",
    "{act_cap}: {topic}.",
    "Olin keskustelun aikana {feeling}.",
    "Jälkikäteen huomasin, että {insight}.",
    "Ensi kerralla {plan}.",
    "{extra}",
    "Jossain vaiheessa {who} kysyi, miksi {topic} kestää niin kauan.",
    "Luulen, että {insight}.",
    "Ennen tapaamista olin {feeling}, ja niin taisi olla myös {who}.",
    "Sovimme, että {plan}.",
    "Kävi ilmi, että {topic} oli aiemmin selitetty huonosti.",
]
LABELS = {
    "en": [
        "parent meeting about a transfer",
        "benefit counselling",
        "home visit",
        "library help desk",
        "job search session",
        "care plan review",
        "permit renewal at the counter",
        "pupil conference",
        "rent arrears talk",
        "discharge planning",
        "language course enrolment",
        "appeal guidance",
    ],
    "fi": [
        "vanhempaintapaaminen siirrosta",
        "etuusneuvonta",
        "kotikäynti",
        "kirjaston neuvonta",
        "työnhakutapaaminen",
        "hoitosuunnitelman arvio",
        "luvan uusiminen tiskillä",
        "oppilashuoltopalaveri",
        "vuokrarästikeskustelu",
        "kotiutuksen suunnittelu",
        "kielikurssille ilmoittautuminen",
        "muutoksenhaun ohjaus",
    ],
}


# What an encounter was about, in particular: half of the entries name one, the first few of these
# often and the last ones rarely (weights 1/rank), so searches meet words of every frequency.
DETAILS = {
    "en": [
        "the rent guarantee",
        "a dental referral",
        "the library card",
        "the after-school club",
        "an apprenticeship",
        "the bus pass",
        "a parking permit",
        "the disability allowance",
        "school transport",
        "speech therapy",
        "a home care voucher",
        "debt counselling",
        "a sick leave certificate",
        "the residence permit",
        "a language test",
        "the daycare fee",
        "a summer job",
        "the youth workshop",
        "a meal subsidy",
        "a hearing aid",
        "a wheelchair repair",
        "foster care",
        "the child allowance",
        "a tax card",
        "the study grant",
        "a guardianship",
        "reading glasses",
        "an eviction notice",
        "a noise complaint",
        "waste collection",
        "snow clearing",
        "a sports voucher",
        "the music school",
        "swimming lessons",
        "a vaccination record",
        "a birth certificate",
        "a pension estimate",
        "the unemployment fund",
        "a tenancy dispute",
        "a lost passport",
    ],
    "fi": [
        "vuokratakuu",
        "hammaslääkärin lähete",
        "kirjastokortti",
        "iltapäiväkerho",
        "oppisopimus",
        "bussikortti",
        "pysäköintilupa",
        "vammaistuki",
        "koulukuljetus",
        "puheterapia",
        "kotihoidon palveluseteli",
        "velkaneuvonta",
        "sairauslomatodistus",
        "oleskelulupa",
        "kielikoe",
        "päivähoitomaksu",
        "kesätyö",
        "nuorten työpaja",
        "ateriatuki",
        "kuulokoje",
        "pyörätuolin korjaus",
        "sijaishuolto",
        "lapsilisä",
        "verokortti",
        "opintotuki",
        "edunvalvonta",
        "lukulasit",
        "häätöilmoitus",
        "meluvalitus",
        "jätehuolto",
        "lumenauraus",
        "liikuntaseteli",
        "musiikkiopisto",
        "uimakoulu",
        "rokotustodistus",
        "syntymätodistus",
        "eläkearvio",
        "työttömyyskassa",
        "vuokrariita",
        "kadonnut passi",
    ],
}
DETAIL_SENTENCE = {"en": "It was mostly about {detail}.", "fi": "Asia koski lähinnä tätä: {detail}."}
DETAIL_WEIGHTS = [1 / rank for rank in range(1, len(DETAILS["en"]) + 1)]


class Prose:
    """Sentences made once from templates and word lists, then combined per answer: varied and cheap."""

    def __init__(self, rng: random.Random, pool: int = 4000) -> None:
        self.rng = rng
        self.sentences = {"en": self._pool(EN, EN_SENTENCES, pool), "fi": self._pool(FI, FI_SENTENCES, pool)}
        self.length = {
            lang: sum(text.count(" ") + 1 for text in made) / len(made)
            for lang, made in self.sentences.items()
        }

    def _pool(self, words: dict[str, list[str]], templates: list[str], size: int) -> list[str]:
        rng, made = self.rng, []
        for _ in range(size):
            fills = {key: rng.choice(options) for key, options in words.items()}
            fills["act_cap"] = fills["act"][:1].upper() + fills["act"][1:]
            text = rng.choice(templates).format(**fills)
            made.append(text[:1].upper() + text[1:])
        return made

    def text(self, lang: str, words: int) -> str:
        """About ``words`` words: whole sentences, drawn at random from the pool."""
        return " ".join(self.rng.choices(self.sentences[lang], k=max(1, round(words / self.length[lang]))))


# --- the journal ---------------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    """What the Store writes (records.to_iso), for a naive UTC datetime, via the fast isoformat."""
    return moment.isoformat(timespec="microseconds") + "Z"


def as_json(value: object) -> str:
    """json.dumps(value, ensure_ascii=False), with the common cases done without the encoder's set-up."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


class _Tables:
    """Rows for each table, flushed to SQLite every CHUNK encounters to keep memory flat."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.encounters: list[tuple] = []
        self.practices: list[tuple] = []
        self.values: list[tuple] = []
        self.ratings: list[tuple] = []
        self.answers: list[tuple] = []
        self.text: list[tuple] = []
        self.follow_ups: list[tuple] = []

    def flush(self, conn: sqlite3.Connection) -> None:
        conn.executemany(
            "INSERT INTO encounters (seq, id, status, created_at, updated_at, domain, lang, label, private,"
            " workshop, workshop_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.encounters,
        )
        conn.executemany("INSERT INTO encounter_practices VALUES (?, ?, ?)", self.practices)
        conn.executemany("INSERT INTO encounter_values VALUES (?, ?, ?)", self.values)
        conn.executemany("INSERT INTO ratings VALUES (?, ?, ?)", self.ratings)
        conn.executemany(
            "INSERT INTO answers (encounter_seq, position, phase, question_id, question, question_type,"
            " answer, catalogue_version, answered_at, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.answers,
        )
        conn.executemany("INSERT INTO encounter_text (rowid, label, body) VALUES (?, ?, ?)", self.text)
        conn.executemany(
            "INSERT INTO follow_ups (step_seq, followed_by_seq, at) VALUES (?, ?, ?)", self.follow_ups
        )
        self.clear()


CHUNK = 5000


def generate(entries: int, home: Path, jrnl: Path | None, seed: int = 7) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from encounters_cli.catalogue.loader import load_catalogue
    from encounters_cli.coach.flows import flow_questions
    from encounters_cli.storage.journal import Store

    rng = random.Random(seed)
    prose = Prose(rng)
    catalogue = load_catalogue()
    version = catalogue.version
    home.mkdir(parents=True, exist_ok=True)
    path = home / "journal.sqlite3"
    if path.exists():
        raise SystemExit(f"{path} exists already; give an empty --home")
    Store.open(path).close()  # the real schema, migrations and meta

    value_ids = list(catalogue.values)
    domains = list(catalogue.domains)
    practices = {d: [p.id for p in catalogue.practices_for_domain(d)] for d in domains}
    # per flow and practice: the questions the real flow asks, with what each answer needs
    phase_of = {"prepare": "before", "reflect": "after", "quick": "quick"}
    asked: dict[tuple[str, str], list[tuple]] = {}
    for set_id, phase in phase_of.items():
        for pid in ["-", *(catalogue.practices if set_id != "quick" else [])]:
            asked[set_id, pid] = [
                (
                    question,
                    {lang: question.prompt.get(lang) for lang in ("en", "fi")},
                    [option for option, _ in catalogue.options_for(question)],
                )
                for question in flow_questions(catalogue, set_id, None if pid == "-" else pid, phase)
            ]

    detail: list[str | None] = [None]  # this entry's particular, put before its first main answer

    def answer_for(question, options: list[str], lang: str, values: list[str], label: str | None):
        kind, role = question.type, question.role
        if role == "label":
            return label
        if role == "values":
            return values
        if kind == "long_text":
            if question.required:
                text = prose.text(lang, rng.randint(55, 105))
                if detail[0] is not None:
                    text, detail[0] = detail[0] + " " + text, None
                return text
            return prose.text(lang, rng.randint(20, 60)) if rng.random() < 0.4 else None
        if kind == "text":
            return prose.text(lang, rng.randint(8, 18)) if question.required or rng.random() < 0.7 else None
        if kind == "scale":
            return rng.randint(question.min or 1, question.max or 5) if rng.random() < 0.7 else None
        if kind == "yes_no":
            return rng.random() < 0.6
        if kind == "choice":
            return rng.choice(options) if options and rng.random() < 0.8 else None
        if kind == "multi_choice" and options:
            return rng.sample(options, k=min(len(options), rng.randint(1, 2)))
        return None

    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    span = timedelta(days=5 * 365)
    step = span / max(entries, 1)
    tables = _Tables()
    jrnl_file = None
    if jrnl is not None:
        jrnl.mkdir(parents=True, exist_ok=True)
        write_jrnl_config(jrnl, jrnl / "journal.txt")
        jrnl_file = open(jrnl / "journal.txt", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    pending_steps: list[int] = []
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # one bulk load: no WAL the size of the journal
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    for seq in range(1, entries + 1):
        created = now - span + step * seq + timedelta(microseconds=seq % 1000)
        status = rng.choices(("prepared", "reflected", "logged"), weights=(2, 4, 4))[0]
        if status == "prepared" and created > now - timedelta(days=2):
            status = "reflected"  # only a few preparations wait: most get their reflection
        lang = "fi" if rng.random() < 0.4 else "en"
        domain = rng.choice(domains)
        practice = rng.choice(practices[domain]) if practices[domain] and rng.random() < 0.6 else None
        values = rng.sample(value_ids, k=rng.randint(1, 3)) if status != "prepared" else []
        if status == "logged" and rng.random() < 0.3:
            values = []
        label = rng.choice(LABELS[lang]) if rng.random() < 0.6 else None
        detail[0] = None
        if rng.random() < 0.5:
            chosen = rng.choices(DETAILS[lang], weights=DETAIL_WEIGHTS)[0]
            detail[0] = DETAIL_SENTENCE[lang].format(detail=chosen)
        workshop = rng.choice(WORKSHOPS) if rng.random() < 0.05 else None
        created_text = iso(created)
        updated_text = (
            iso(created + timedelta(minutes=rng.randint(0, 90))) if status == "reflected" else created_text
        )
        tables.encounters.append(
            (
                seq,
                f"{rng.getrandbits(128):032x}",
                status,
                created_text,
                updated_text,
                domain if status != "logged" or rng.random() < 0.5 else None,
                lang,
                label,
                int(rng.random() < 0.1),
                workshop,
                "reflect" if workshop else None,
            )
        )
        if practice and status != "logged":
            tables.practices.append((seq, practice, 0))
        tables.values.extend((seq, value, position) for position, value in enumerate(values))
        if status == "reflected":
            flows = ("reflect",) if rng.random() < 0.4 else ("prepare", "reflect")
        else:
            flows = ("prepare",) if status == "prepared" else ("quick",)
        position, ratings, texts = 0, {}, []
        for set_id in flows:
            phase = phase_of[set_id]
            for question, prompt, options in asked[
                set_id, practice if practice and set_id != "quick" else "-"
            ]:
                value = answer_for(question, options, lang, values, label)
                if question.role == "rating" and question.rates and value is not None:
                    ratings[question.rates] = value
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, list):
                    texts.extend(value)
                tables.answers.append(
                    (
                        seq,
                        position,
                        phase,
                        question.id,
                        prompt[lang],
                        question.type,
                        as_json(value),
                        version,
                        created_text,
                        question.role,
                    )
                )
                position += 1
        tables.ratings.extend((seq, value, rating) for value, rating in ratings.items())
        body = "\n".join(texts)  # what journal.searchable_text makes of these answers
        tables.text.append((seq, label or "", body))
        if status == "reflected":
            if pending_steps and rng.random() < 0.3:
                step_seq = pending_steps.pop(rng.randrange(len(pending_steps)))
                tables.follow_ups.append((step_seq, seq, updated_text))
            pending_steps.append(seq)
        if jrnl_file is not None:  # entries joined by a blank line, as Journal._to_text does
            jrnl_file.write(("\n" if seq > 1 else "") + jrnl_entry(created, label or "", body, values))
        if seq % CHUNK == 0:
            tables.flush(conn)
    tables.flush(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")  # as Store.open leaves every journal
    middle = conn.execute("SELECT id FROM encounters WHERE seq = ?", (max(entries // 2, 1),)).fetchone()
    conn.close()

    about = {
        "entries": entries,
        "seed": seed,
        "version": VERSION,
        "search_word": RARER_WORD,
        "common_word": COMMON_WORD,
        "show_id": middle[0] if middle else None,
        "tag_value": "trust",
    }
    (home / "benchmark.json").write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
    if jrnl_file is not None:
        jrnl_file.close()
    return about


def jrnl_entry(created: datetime, label: str, body: str, values: list[str]) -> str:
    """One entry as jrnl 4.6 writes it (Entry.__str__): '[date] title', then the body; tags inline."""
    first, _, rest = body.partition(". ")
    title = (label or first).replace("\n", " ").rstrip(".") + "."
    text = (body if label else rest).strip()
    tags = " ".join("@" + value for value in values)
    text = f"{text}\n{tags}".strip() if tags else text
    stamp = created.replace(tzinfo=timezone.utc).astimezone().strftime(JRNL_TIMEFORMAT)
    return f"[{stamp}] {title}\n{text}\n" if text else f"[{stamp}] {title}\n"


def write_jrnl_config(folder: Path, journal: Path) -> None:
    """A config for 'jrnl --config-file': this journal, no colours, no editor, no encryption.

    YAML written by hand (the values are plain): jrnl takes a JSON config for one of jrnl 1.x and
    offers to upgrade it.
    """
    text = f"""\
version: '4.6'
journals:
  default:
    journal: {json.dumps(str(journal))}
editor: ''
encrypt: false
template: false
default_hour: 9
default_minute: 0
timeformat: '{JRNL_TIMEFORMAT}'
tagsymbols: '#@'
highlight: false
linewrap: 79
indent_character: '|'
colors:
  body: none
  date: none
  tags: none
  title: none
"""
    (folder / "jrnl.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, required=True, help="how many encounters")
    parser.add_argument("--home", type=Path, required=True, help="an empty folder: ENCOUNTERS_HOME")
    parser.add_argument("--jrnl", type=Path, help="also write the entries as a jrnl journal in this folder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    about = generate(args.entries, args.home, args.jrnl, args.seed)
    elapsed = time.perf_counter() - started
    sys.stderr.write(f"{about['entries']} encounters in {args.home} in {elapsed:.1f} s\n")


if __name__ == "__main__":
    main()
