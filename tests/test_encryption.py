"""Encryption at rest: what the README promises, checked against the raw bytes of real journal files.

All text is synthetic. Key derivation runs with a cheap scrypt cost here (TEST_SCRYPT_N_ENV), which
the envelope records; one test checks the real default.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sqlite3
import subprocess
import sys
import types
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.cli.app import app
from encounters_cli.errors import JournalError
from encounters_cli.insights.compute import gather
from encounters_cli.storage import crypto, paths
from encounters_cli.storage.journal import ENCRYPTION_META_KEY, Store
from encounters_cli.storage.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Answer,
    Draft,
    Encounter,
    Filter,
    WorkshopRun,
)

PASSPHRASE = "correct horse battery"
NEW_PASSPHRASE = "another long passphrase"
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
NOW = datetime(2024, 3, 20, 12, 0, tzinfo=timezone.utc)

# Words found nowhere else, so finding one in the file's bytes can only mean the text leaked.
LABEL_WORD = "Quillfeather"
ANSWER_WORD = "häätöuhasta"  # Finnish, with ä and ö: the UTF-8 bytes differ from the index's folded token
LIST_WORD = "Marzipanroute"
STEP_WORD = "Saffronkettle"
DRAFT_WORD = "Velvetlantern"
LATER_WORD = "Tamarindgate"  # written after encrypting
RUN_WORD = "tablequokka"  # a workshop participant's label
NAME_WORD = "Zyxwoodname"  # a name on the always-scrub list
SECRETS = [LABEL_WORD, ANSWER_WORD, LIST_WORD, STEP_WORD, DRAFT_WORD, RUN_WORD, NAME_WORD]


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.TEST_SCRYPT_N_ENV, "1024")
    monkeypatch.delenv("ENCOUNTERS_PASSPHRASE", raising=False)
    monkeypatch.delenv("ENCOUNTERS_NEW_PASSPHRASE", raising=False)


def byte_forms(word: str) -> list[bytes]:
    """How a word could sit in the file: as typed (UTF-8), lower case, and as the index's folded token."""
    from encounters_cli.storage.textmatch import fold

    return [form.encode("utf-8") for form in {word, word.lower(), fold(word)}]


def files_beside(journal: Path) -> list[Path]:
    """The journal and every SQLite side file next to it that exists now."""
    return [path for path in journal.parent.iterdir() if path.name.startswith(journal.name)]


def leaks(journal: Path, words: list[str]) -> list[tuple[str, str]]:
    """(file name, word) for every word found, in any of its forms, in the journal or its side files."""
    found = []
    for path in files_beside(journal):
        data = path.read_bytes()
        found += [(path.name, word) for word in words if any(form in data for form in byte_forms(word))]
    return found


def snapshot(journal: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in files_beside(journal)}


def text_answer(question_id: str, text: Any, qtype: str = "long_text", role: str | None = None) -> Answer:
    return Answer(question_id, "after", f"Question {question_id}?", qtype, text, "test", T0, role)


def encounter(n: int, *, label: str | None, answers: list[Answer], **fields: Any) -> Encounter:
    when = T0 + timedelta(days=n)
    return Encounter(
        id=f"{n:04x}" + "ab" * 14,
        status=fields.pop("status", "reflected"),
        lang="fi",
        created_at=when,
        updated_at=when,
        domain=fields.pop("domain", "library"),
        label=label,
        answers=answers,
        **fields,
    )


def corpus() -> list[Encounter]:
    """The same synthetic entries for every journal here: the secrets, and text for the search rules."""
    return [
        encounter(
            0,
            label=f"{LABEL_WORD} counter visit",
            values=["trust", "knowledge"],
            ratings={"trust": 4, "knowledge": 3},
            practices=["explain-the-why"],
            answers=[
                text_answer("what", f"Asiakas kertoi {ANSWER_WORD} ja pyysi apua valitukseen."),
                text_answer("tags", [LIST_WORD, "appointment"], "multi_choice"),
                text_answer("score", 4, "scale"),
                text_answer("ok", True, "yes_no"),
                text_answer("next-step", f"Call the {STEP_WORD} office on Friday", role="next_step"),
            ],
        ),
        encounter(
            1,
            label="library card for a newcomer",
            values=["participation"],
            answers=[text_answer("what", "library card, library rules, and where the library is")],
        ),
        encounter(
            2,
            label="a long afternoon",
            answers=[text_answer("what", "many forms, queues and phone calls; a library card came up once")],
        ),
        encounter(3, label="Kävin neuvolassa", answers=[text_answer("what", "Äiti kysyi rokotuksista")]),
        encounter(4, label="Kävin kirjastossa", answers=[text_answer("what", "lainasin kirjoja")]),
        encounter(5, label="salt and pepper", domain="school", answers=[]),
        encounter(6, label="salt pepper", domain="school", status="logged", answers=[]),
        encounter(7, label=None, answers=[text_answer("what", "sent an e-mail about the e-service")]),
        encounter(8, label="prepared one", status="prepared", answers=[]),
    ]


def fill(journal: Path) -> None:
    with Store.open(journal) as store:
        for item in corpus():
            store.add(item)
        store.save_draft(Draft(id="d" * 32, flow="reflect", data={"answers": {"what": f"{DRAFT_WORD} half"}}))
        store.save_workshop_run(
            WorkshopRun(id="r1", workshop_id="w", title="t", lang="en", participant=RUN_WORD)
        )
        store.set_scrub_names([NAME_WORD])


def unlocks(passphrase: str = PASSPHRASE) -> Any:
    return lambda: passphrase


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "j" / "journal.sqlite3"


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    """A journal with the corpus, never encrypted: what the encrypted one must behave like."""
    path = tmp_path / "plain" / "journal.sqlite3"
    fill(path)
    return path


@pytest.fixture
def encrypted(journal: Path) -> Path:
    fill(journal)
    with Store.open(journal) as store:
        assert store.encrypt(PASSPHRASE) is True
    return journal


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), isolation_level=None)


def sealed_columns(path: Path) -> list[Any]:
    connection = raw(path)
    try:
        return [
            connection.execute("SELECT seq, label FROM encounters ORDER BY seq").fetchall(),
            connection.execute("SELECT rowid, answer FROM answers ORDER BY rowid").fetchall(),
            connection.execute("SELECT id, data FROM drafts ORDER BY id").fetchall(),
        ]
    finally:
        connection.close()


# -- the store ----------------------------------------------------------------------------------


def test_everything_round_trips_through_an_encrypted_journal(encrypted: Path, plain: Path) -> None:
    with Store.open(plain) as before, Store.open(encrypted, passphrase=unlocks()) as after:
        assert after.encrypted
        assert after.list(Filter()) == before.list(Filter())
        assert after.get("0000") == before.get("0000")
        assert [(d.id, d.flow, d.data) for d in after.list_drafts()] == [
            (d.id, d.flow, d.data) for d in before.list_drafts()
        ]


def test_no_free_text_in_the_file_or_its_side_files_after_encrypting(journal: Path) -> None:
    fill(journal)
    with Store.open(journal) as store:
        store.add(encounter(20, label="still plain", answers=[text_answer("what", "plain words")]))
        # Proof that the check below can fail: before encrypting, every secret is readable somewhere.
        assert {word for _, word in leaks(journal, SECRETS)} == set(SECRETS)
        store.encrypt(PASSPHRASE)
        side_files = {path.name for path in files_beside(journal)}
        assert leaks(journal, SECRETS) == []  # while the store is still open, its WAL beside it
        store.add(encounter(21, label=f"{LATER_WORD} later", answers=[text_answer("what", LATER_WORD)]))
        store.save_draft(Draft(id="e" * 32, flow="prepare", data={"answers": {"x": LATER_WORD}}))
        assert leaks(journal, [*SECRETS, LATER_WORD]) == []
    assert journal.name + "-wal" in side_files  # the WAL existed and was checked, not just absent
    assert leaks(journal, [*SECRETS, LATER_WORD]) == []  # and after the last connection folded it back
    assert not (journal.parent / (journal.name + "-journal")).exists()


def test_the_index_is_empty_and_text_columns_are_sealed_while_encrypted(encrypted: Path) -> None:
    connection = raw(encrypted)
    try:
        assert connection.execute("SELECT count(*) FROM encounter_text").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM encounter_text_content").fetchone()[0] == 0
        texts = [
            *(row[0] for row in connection.execute("SELECT label FROM encounters WHERE label IS NOT NULL")),
            *(row[0] for row in connection.execute("SELECT answer FROM answers")),
            *(row[0] for row in connection.execute("SELECT data FROM drafts")),
        ]
    finally:
        connection.close()
    assert texts
    for text in texts:
        assert text.startswith(crypto.SEALED_PREFIX)
        blob = base64.b64decode(text[len(crypto.SEALED_PREFIX) :], validate=True)
        assert len(blob) >= crypto.NONCE_BYTES + 16  # nonce, ciphertext, GCM tag


def test_the_kdf_parameters_and_format_are_recorded(encrypted: Path) -> None:
    connection = raw(encrypted)
    try:
        (envelope,) = connection.execute(
            "SELECT value FROM meta WHERE key = ?", (ENCRYPTION_META_KEY,)
        ).fetchone()
    finally:
        connection.close()
    document = json.loads(envelope)
    assert document["format"] == crypto.FORMAT_VERSION == 1
    assert document["cipher"] == "AES-256-GCM"
    assert document["sealed_prefix"] == crypto.SEALED_PREFIX
    kdf = document["kdf"]
    assert (kdf["name"], kdf["n"], kdf["r"], kdf["p"], kdf["length"]) == ("scrypt", 1024, 8, 1, 32)
    assert len(base64.b64decode(kdf["salt"])) == crypto.SALT_BYTES
    assert document["key_wrap"]["cipher"] == "AES-256-GCM"
    assert len(base64.b64decode(document["key_wrap"]["wrapped_key"])) == 32 + 16
    with Store.open(encrypted) as store:  # readable without the passphrase: it holds no secret
        assert store.encryption_parameters() == {
            "format": 1,
            "cipher": "AES-256-GCM",
            "kdf": {"name": "scrypt", "n": 1024, "r": 8, "p": 1, "length": 32},
        }


def test_new_passphrases_get_the_full_scrypt_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.TEST_SCRYPT_N_ENV)
    params = crypto.KdfParams.fresh()
    assert (params.n, params.r, params.p) == (2**16, 8, 1)
    assert params.salt != crypto.KdfParams.fresh().salt


def test_search_matches_as_the_index_does(encrypted: Path, plain: Path) -> None:
    queries = [
        "library card",
        "library",
        "kävin",
        "kavin",
        "KÄVIN äiti",
        "neuvola*",
        "neuvola",
        "lainasin",
        "salt AND pepper",
        "salt -pepper",
        "e-mail",
        "mail",
        "e-serv*",
        ANSWER_WORD,
        "haatouhasta",
        "häätö*",
        LIST_WORD.lower(),
        "appointment",
        "4",
        "true",
        "",
        "* - ( )",
        '"',
        "nothing-like-this",
    ]
    with Store.open(plain) as index, Store.open(encrypted, passphrase=unlocks()) as memory:
        for query in queries:
            expected = {hit.encounter.id for hit in index.search(query, Filter())}
            found = {hit.encounter.id for hit in memory.search(query, Filter())}
            assert found == expected, query
        # ranking: the label and more matches first; filters and the limit as for the index
        assert [hit.encounter.id for hit in memory.search("library card", Filter())] == [
            hit.encounter.id for hit in index.search("library card", Filter())
        ]
        assert len(memory.search("library", Filter(limit=2))) == 2
        assert [hit.encounter.label for hit in memory.search("salt*", Filter(statuses=["logged"]))] == [
            "salt pepper"
        ]
        hits = memory.search("library card", Filter())
        assert hits[0].score > hits[1].score


VOCABULARY = ["kävin", "KAVIN", "äiti", "Aiti", "e-mail", "mail", "x's", "salt", "and", "näin", "ÅLAND"]
SEPARATORS = [" ", ", ", "-", "\n", "; ", "'", " (", ") "]


@settings(max_examples=300, deadline=None)
@given(
    label=st.lists(st.sampled_from(VOCABULARY), max_size=4),
    body=st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=8),
    query=st.lists(st.tuples(st.sampled_from([*VOCABULARY, "-", "*", "k", "AI"]), st.booleans()), max_size=3),
)
def test_in_memory_matching_agrees_with_the_index(
    label: list[str], body: list[tuple[str, str]], query: list[tuple[str, bool]]
) -> None:
    from encounters_cli.storage import textmatch
    from encounters_cli.storage.journal import fts_query

    label_text = " ".join(label)
    body_text = "".join(word + separator for word, separator in body)
    typed = " ".join(word + ("*" if prefix else "") for word, prefix in query)
    index = sqlite3.connect(":memory:")
    index.execute(
        "CREATE VIRTUAL TABLE t USING fts5 (label, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    index.execute("INSERT INTO t (rowid, label, body) VALUES (1, ?, ?)", (label_text, body_text))
    match = fts_query(typed)
    expected = bool(match) and index.execute("SELECT 1 FROM t WHERE t MATCH ?", (match,)).fetchall() != []
    index.close()
    found = textmatch.match(textmatch.phrases(typed), label_text, body_text, label_weight=2.0, window=12)
    assert (found is not None) == expected


def test_search_snippets_mark_the_matches(encrypted: Path) -> None:
    with Store.open(encrypted, passphrase=unlocks()) as store:
        (hit,) = store.search("häätö*", Filter())
        assert f"{HIGHLIGHT_START}{ANSWER_WORD}{HIGHLIGHT_END}" in hit.snippet
        (hit,) = store.search("newcomer", Filter())
        assert hit.snippet == f"library card for a {HIGHLIGHT_START}newcomer{HIGHLIGHT_END}"
        (hit,) = store.search("queues", Filter())
        marked = f"{HIGHLIGHT_START}queues{HIGHLIGHT_END}"
        assert hit.snippet == f"many forms, {marked} and phone calls; a library card came up once"
        words = " ".join(f"word{n}" for n in range(40))
        store.add(encounter(60, label=None, answers=[text_answer("what", f"{words} Zygote, {words}.")]))
        (hit,) = store.search("zygote", Filter())
        # twelve words around the match, cut with … on both sides, as the index's snippets are
        assert hit.snippet.startswith("…")
        assert hit.snippet.endswith("…")
        assert f"{HIGHLIGHT_START}Zygote{HIGHLIGHT_END}" in hit.snippet
        assert len(hit.snippet.split()) == 12


def test_insights_are_the_same_encrypted(encrypted: Path, plain: Path) -> None:
    catalogue = load_catalogue()
    with Store.open(plain) as before, Store.open(encrypted, passphrase=unlocks()) as after:
        expected = gather(before, catalogue, Filter(), now=NOW, tz=timezone.utc)
        assert gather(after, catalogue, Filter(), now=NOW, tz=timezone.utc) == expected
    assert [step.text for step in expected.pending_steps] == [f"Call the {STEP_WORD} office on Friday"]


def test_the_passphrase_is_asked_lazily_and_once(encrypted: Path) -> None:
    asked: list[int] = []

    def passphrase() -> str:
        asked.append(1)
        return PASSPHRASE

    with Store.open(encrypted, passphrase=passphrase) as store:
        assert store.count(Filter()) == len(corpus())  # counting needs no text
        assert list(store.iter_facts(Filter()))
        assert asked == []
        store.list(Filter())
        store.search("library", Filter())
        store.add(encounter(30, label="one more", answers=[]))
        assert asked == [1]


def test_without_a_passphrase_an_encrypted_journal_says_how_to_give_it(encrypted: Path) -> None:
    with Store.open(encrypted) as store, pytest.raises(JournalError, match="ENCOUNTERS_PASSPHRASE") as caught:
        store.list(Filter())
    assert "\n" not in str(caught.value)


def test_a_wrong_passphrase_is_an_error_and_changes_no_byte(encrypted: Path) -> None:
    before = snapshot(encrypted)
    with Store.open(encrypted, passphrase=unlocks("not the passphrase")) as store:
        with pytest.raises(JournalError, match=r"^wrong passphrase"):
            store.list(Filter())
        with pytest.raises(JournalError, match=r"^wrong passphrase"):
            store.add(encounter(40, label="must not be stored", answers=[]))
        with pytest.raises(JournalError, match=r"^wrong passphrase"):
            store.save_draft(Draft(id="f" * 32, flow="prepare", data={}))
        for operation in (store.decrypt, lambda: store.change_passphrase(NEW_PASSPHRASE)):
            with pytest.raises(JournalError, match=r"^wrong passphrase"):
                operation()
    assert snapshot(encrypted) == before
    with Store.open(encrypted, passphrase=unlocks()) as store:
        assert store.count(Filter()) == len(corpus())


def test_changing_the_passphrase_rewraps_the_key_only(encrypted: Path) -> None:
    sealed_before = sealed_columns(encrypted)
    with Store.open(encrypted) as store:
        old_envelope = store.get_meta(ENCRYPTION_META_KEY)
    with Store.open(encrypted, passphrase=unlocks()) as store:
        assert store.change_passphrase(NEW_PASSPHRASE) is True
    assert sealed_columns(encrypted) == sealed_before  # not one entry re-encrypted
    old_wrapped = json.loads(old_envelope)["key_wrap"]["wrapped_key"].encode("ascii")
    assert all(
        old_wrapped not in data for data in snapshot(encrypted).values()
    )  # scrubbed, not just replaced
    with Store.open(encrypted, passphrase=unlocks()) as store, pytest.raises(JournalError, match="wrong"):
        store.list(Filter())
    with Store.open(encrypted, passphrase=unlocks(NEW_PASSPHRASE)) as store:
        assert store.get("0000").label == f"{LABEL_WORD} counter visit"


def test_decrypting_restores_the_text_and_the_search_index(encrypted: Path, plain: Path) -> None:
    with Store.open(encrypted, passphrase=unlocks()) as store:
        store.decrypt()
        assert not store.encrypted
        assert store.get_meta(ENCRYPTION_META_KEY) is None
        (hit,) = store.search(ANSWER_WORD, Filter())  # through FTS again
        assert HIGHLIGHT_START in hit.snippet
    assert sealed_columns(encrypted) == sealed_columns(plain)  # plain text, byte for byte
    index_rows = "SELECT rowid, label, body FROM encounter_text ORDER BY rowid"
    assert raw(encrypted).execute(index_rows).fetchall() == raw(plain).execute(index_rows).fetchall()
    assert raw(encrypted).execute(
        "SELECT rowid FROM encounter_text WHERE encounter_text MATCH 'haatouhasta'"
    ).fetchall() == [(1,)]
    with Store.open(encrypted) as store:  # no passphrase needed any more
        assert store.get("0000").answers[0].answer.startswith("Asiakas")


def test_operations_refuse_the_wrong_state_and_short_passphrases(journal: Path) -> None:
    fill(journal)
    with Store.open(journal, passphrase=unlocks()) as store:
        with pytest.raises(JournalError, match="not encrypted"):
            store.decrypt()
        with pytest.raises(JournalError, match="not encrypted"):
            store.change_passphrase(NEW_PASSPHRASE)
        with pytest.raises(JournalError, match="at least 8 characters"):
            store.encrypt("short")
        assert not store.encrypted
        store.encrypt(PASSPHRASE)
        with pytest.raises(JournalError, match="already encrypted"):
            store.encrypt(NEW_PASSPHRASE)
        with pytest.raises(JournalError, match="at least 8 characters"):
            store.change_passphrase("short")


def test_a_journal_encrypted_by_another_process_meanwhile_is_not_written_in_plain(journal: Path) -> None:
    fill(journal)
    with Store.open(journal) as early:  # opened while the journal was plain
        with Store.open(journal) as other:
            other.encrypt(PASSPHRASE)
        with pytest.raises(JournalError, match="run it again"):
            early.add(encounter(50, label=f"{LATER_WORD} plain?", answers=[]))
        with pytest.raises(JournalError, match="run it again"):
            early.get("0000")  # sealed text where it expected plain: it says so, never shows it
    assert leaks(journal, [LATER_WORD]) == []
    with Store.open(journal, passphrase=unlocks()) as store:
        assert store.count(Filter()) == len(corpus())


def test_damaged_sealed_text_or_envelope_is_a_clear_error(encrypted: Path) -> None:
    connection = raw(encrypted)
    (label,) = connection.execute("SELECT label FROM encounters WHERE seq = 1").fetchone()
    flipped = label[:-6] + ("A" if label[-6] != "A" else "B") + label[-5:]
    connection.execute("UPDATE encounters SET label = ? WHERE seq = 1", (flipped,))
    connection.close()
    with Store.open(encrypted, passphrase=unlocks()) as store, pytest.raises(JournalError, match="integrity"):
        store.get("0000")
    connection = raw(encrypted)
    connection.execute("UPDATE meta SET value = '{\"format\": 1' WHERE key = ?", (ENCRYPTION_META_KEY,))
    connection.close()
    with Store.open(encrypted, passphrase=unlocks()) as store, pytest.raises(JournalError, match="damaged"):
        store.list(Filter())


def test_a_plain_journal_never_loads_cryptography(plain: Path) -> None:
    code = (
        "import sys\n"
        "from encounters_cli.cli.app import app\n"
        "try:\n"
        f"    app(['--journal', {str(plain)!r}, 'list', '--json'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'cryptography'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# -- the command line ---------------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str, env: dict[str, str] | None = None) -> Result:
    result = run(*args, env=env)
    assert result.exit_code == 0, result.stderr
    return result


def error_line(*args: str, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("encounters: error: ")
    return line


WITH_PASSPHRASE = {"ENCOUNTERS_PASSPHRASE": PASSPHRASE}


def test_the_commands_with_the_passphrase_in_the_environment() -> None:
    fill(paths.journal_path())
    encrypted = ok("encrypt", env=WITH_PASSPHRASE)
    assert "cannot be recovered" in encrypted.stderr
    assert encrypted.stdout == ""
    assert leaks(paths.journal_path(), SECRETS) == []

    assert "ENCOUNTERS_PASSPHRASE" in error_line("list")  # no terminal here, no variable
    assert "wrong passphrase" in error_line("list", env={"ENCOUNTERS_PASSPHRASE": "wrong one!"})
    listed = json.loads(ok("list", "--json", env=WITH_PASSPHRASE).stdout)
    assert f"{LABEL_WORD} counter visit" in [entry["label"] for entry in listed]
    assert ANSWER_WORD in ok("show", "0000", env=WITH_PASSPHRASE).stdout
    found = json.loads(ok("search", "häätö*", "--json", env=WITH_PASSPHRASE).stdout)
    assert [hit["id"] for hit in found] == ["0000" + "ab" * 14]
    assert f"[{ANSWER_WORD}]" in found[0]["snippet"]
    assert ok("insights", "--json", env=WITH_PASSPHRASE).stdout.startswith("{")
    assert "already encrypted" in error_line("encrypt", env=WITH_PASSPHRASE)

    assert "ENCOUNTERS_NEW_PASSPHRASE" in error_line("passphrase", env=WITH_PASSPHRASE)
    changed = ok("passphrase", env={**WITH_PASSPHRASE, "ENCOUNTERS_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert "not re-encrypted" in changed.stderr
    assert "wrong passphrase" in error_line("list", env=WITH_PASSPHRASE)
    ok("decrypt", env={"ENCOUNTERS_PASSPHRASE": NEW_PASSPHRASE})
    assert json.loads(ok("search", "haatouhasta", "--json").stdout)[0]["id"].startswith("0000")
    assert "not encrypted" in error_line("decrypt")


def test_encrypt_without_a_terminal_or_variable_says_how_and_changes_nothing() -> None:
    fill(paths.journal_path())
    line = error_line("encrypt")
    assert "ENCOUNTERS_PASSPHRASE" in line
    assert "terminal" in line
    assert "at least 8" in error_line("encrypt", env={"ENCOUNTERS_PASSPHRASE": "short"})
    with Store.open(paths.journal_path()) as store:
        assert not store.encrypted


class FakeKeyring(types.ModuleType):
    """Stands in for the keyring package, which is not a dependency."""

    def __init__(self) -> None:
        super().__init__("keyring")
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, account: str) -> str | None:
        return self.stored.get((service, account))

    def set_password(self, service: str, account: str, password: str) -> None:
        self.stored[(service, account)] = password

    def delete_password(self, service: str, account: str) -> None:
        del self.stored[(service, account)]


def test_the_keyring_is_used_only_when_opted_in(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = FakeKeyring()
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    fill(paths.journal_path())
    ok("encrypt", env=WITH_PASSPHRASE)
    assert keyring.stored == {}  # not opted in: nothing stored
    assert "ENCOUNTERS_PASSPHRASE" in error_line("list")

    ok("config", "set", "keyring", "true")
    changed = ok("passphrase", env={**WITH_PASSPHRASE, "ENCOUNTERS_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert "keyring" in changed.stderr
    account = str(paths.journal_path().resolve())
    assert keyring.stored == {("encounters", account): NEW_PASSPHRASE}
    assert json.loads(ok("list", "--json").stdout)  # unlocked from the keyring, nothing typed
    ok("decrypt")
    assert keyring.stored == {}
    ok("config", "unset", "keyring")


def test_the_keyring_opt_in_is_a_config_key(tmp_path: Path) -> None:
    from encounters_cli.storage import config

    assert "keyring" in config.KEYS
    path = tmp_path / "config.toml"
    config.save(config.Config(keyring=True), path)
    assert config.load(path).keyring is True
    path.write_text('keyring = "yes"\n', encoding="utf-8")
    with pytest.raises(Exception, match="true or false"):
        config.load(path)


# -- at a real terminal -------------------------------------------------------------------------


@pytest.fixture
def terminal_env(isolated_home: Path) -> dict[str, str]:
    environment = dict(os.environ)  # ENCOUNTERS_HOME, HOME, LANG and the cheap scrypt cost
    environment.update(COLUMNS="100", LINES="50", TERM="dumb", NO_COLOR="1")
    return environment


@pytest.fixture
def spawned() -> Iterator[list[Any]]:
    children: list[Any] = []
    yield children
    for child in children:
        if child.isalive():
            child.terminate(force=True)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_encrypt_and_list_at_a_terminal(terminal_env: dict[str, str], spawned: list[Any]) -> None:
    fill(paths.journal_path())

    def spawn(*args: str) -> Any:
        child = pexpect.spawn(
            sys.executable, ["-m", "encounters_cli", *args], env=terminal_env, encoding="utf-8", timeout=20
        )
        child.delaybeforesend = None
        child.logfile_read = io.StringIO()  # everything the terminal showed
        spawned.append(child)
        return child

    def finish(child: Any) -> int:
        child.expect(pexpect.EOF)
        child.close()
        return child.exitstatus

    child = spawn("encrypt")
    child.expect_exact("New passphrase")
    child.sendline(PASSPHRASE)
    child.expect_exact("The same again")
    child.sendline("a different passphrase")
    child.expect_exact("did not match")
    child.expect_exact("New passphrase")
    child.sendline(PASSPHRASE)
    child.expect_exact("The same again")
    child.sendline(PASSPHRASE)
    child.expect_exact("cannot be recovered")
    assert finish(child) == 0
    assert PASSPHRASE not in child.logfile_read.getvalue()  # typed without echo
    assert leaks(paths.journal_path(), SECRETS) == []

    child = spawn("list")
    child.expect_exact("Passphrase for")
    child.sendline(PASSPHRASE)
    child.expect_exact(f"{LABEL_WORD} counter visit")
    assert finish(child) == 0

    child = spawn("log", f"{LATER_WORD} at the desk")  # a flow asks before anything else
    child.expect_exact("Passphrase for")
    child.sendline(PASSPHRASE)
    child.expect_exact("Logged")
    assert finish(child) == 0
    assert leaks(paths.journal_path(), [LATER_WORD]) == []
    with Store.open(paths.journal_path(), passphrase=unlocks()) as store:
        assert store.list(Filter(limit=1))[0].answers[0].answer == f"{LATER_WORD} at the desk"

    child = spawn("list")
    child.expect_exact("Passphrase for")
    child.sendline("not the passphrase")
    child.expect_exact("wrong passphrase")
    assert finish(child) == 1
