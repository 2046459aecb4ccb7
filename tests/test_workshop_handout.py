"""`encounters workshop handout`: facilitator guide and participant handout, in Markdown and HTML.

A small bilingual script of our own covers every kind of step; the example scripts in
examples/workshops/ are rendered too when they are there. The HTML is checked as text (escaping,
nothing to fetch) and in headless Chromium (renders, prints to PDF, asks the network for nothing,
the steps' text in the DOM with Finnish letters intact).
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from browser import run_chromium
from encounters_cli.cli import workshop_handout_commands
from encounters_cli.cli.app import app
from encounters_cli.workshop.handout import build_handout, markdown_html, render_html, render_markdown
from encounters_cli.workshop.loader import load_workshop

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "workshops"

SCRIPT = """\
id: trust-at-the-counter
title:
  en: Trust at the counter
  fi: Luottamus palvelutiskillä
language: [en, fi]
summary:
  en: A one-hour session on explaining decisions.
  fi: Tunnin tuokio päätösten perustelemisesta.
duration: 60
audience:
  en: Library and municipal service staff
  fi: Kirjaston ja kunnan asiakaspalvelun henkilöstö
goals:
  - en: Practise explaining the why
    fi: Harjoitella perustelemista
facilitator_notes:
  en: FACILITATOR-ONLY keep the pace gentle; ask for consent before the role-play.
  fi: VAIN-OHJAAJALLE pidä tahti rauhallisena; kysy suostumus ennen roolipeliä.
steps:
  - id: welcome
    minutes: 5
    notes:
      en: NOTE-WELCOME greet everyone by name.
      fi: MUISTIINPANO-TERVETULOA tervehdi kaikkia nimeltä.
    say:
      en: |
        Welcome! Today we **practise** one *thing*.

        - listen to the end
        - explain <script>alert(1)</script> the why
      fi: |
        Tervetuloa! Tänään **harjoittelemme** yhtä *asiaa*.

        - kuuntele loppuun
        - perustele päätös
  - id: card
    minutes: 10
    practice: explain-the-why
  - id: pick
    minutes: 5
    choose:
      what: value
      options: [trust, justice]
  - id: roleplay
    minutes: 15
    notes: {en: NOTE-ROLEPLAY watch the time., fi: MUISTIINPANO-ROOLIPELI seuraa aikaa.}
    scenario:
      title: {en: The rejected application, fi: Hylätty hakemus}
      situation:
        en: Åsa Kuvitelma's application was rejected and she wants to know why.
        fi: Åsa Kuvitelman hakemus hylättiin, ja hän haluaa tietää miksi.
      roles:
        - name: {en: Customer, fi: Asiakas}
          brief: {en: You are upset and in a hurry., fi: Olet harmissasi ja sinulla on kiire.}
        - name: {en: Clerk, fi: Virkailija}
          brief: {en: Explain the decision in plain words., fi: Perustele päätös selkokielellä.}
      task: {en: Swap roles after five minutes., fi: Vaihtakaa rooleja viiden minuutin jälkeen.}
  - id: questions
    minutes: 5
    ask:
      - id: felt-heard
        type: scale
        prompt: {en: How heard did the customer feel?, fi: Kuinka kuulluksi asiakas tunsi itsensä?}
        anchors:
          1: {en: not at all, fi: ei lainkaan}
          5: {en: fully, fi: täysin}
      - id: what-worked
        type: long_text
        prompt: {en: What worked?, fi: Mikä toimi?}
  - id: pairs
    timer:
      minutes: 4
      label: {en: Pair talk, fi: Parikeskustelu}
      discuss: {en: When did you last explain a rule?, fi: Milloin viimeksi perustelit säännön?}
  - id: close
    minutes: 6
    debrief:
      - {en: What will you try tomorrow?, fi: Mitä kokeilet huomenna?}
      - {en: Where is the power in your encounters?, fi: Missä valta on kohtaamisissasi?}
"""

# A text of each step as it must appear in both handouts (English)
STEP_TEXTS = (
    "Welcome! Today we",
    "Explain the why",
    "Choose a value",
    "The rejected application",
    "wants to know why.",
    "You are upset and in a hurry.",
    "How heard did the customer feel?",
    "What worked?",
    "Pair talk",
    "When did you last explain a rule?",
    "What will you try tomorrow?",
    "Where is the power in your encounters?",
)
FACILITATOR_ONLY = ("FACILITATOR-ONLY", "NOTE-WELCOME", "NOTE-ROLEPLAY", "0:00–0:05", "0:20–0:35")


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "trust-at-the-counter.yaml"
    path.write_text(SCRIPT, "utf-8")
    return path


def handout(script: Path, lang: str = "en", audience: str = "facilitator", fmt: str = "md") -> str:
    loaded = load_workshop(script)
    content = build_handout(loaded.workshop, loaded.catalogue, lang, audience)  # type: ignore[arg-type]
    return render_html(content) if fmt == "html" else render_markdown(content)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


# --- Markdown -------------------------------------------------------------------------------------


def test_the_facilitator_guide_has_every_step_with_timings_and_notes(script: Path) -> None:
    text = handout(script)
    for expected in STEP_TEXTS + FACILITATOR_ONLY:
        assert expected in text, expected
    assert "| 0:00–0:05 | 1. Talk | 5 |" in text
    assert "| 0:40–0:44 | 6. Discussion | 4 |" in text  # a timer without minutes runs its own length
    assert "| 0:44–0:50 | 7. Debrief | 6 |" in text
    assert "Duration: 60 min (the steps' planned times add up to 50 min)" in text
    assert "Timer: 4 min" in text
    # the practice card: its steps and its before and after questions
    assert "1. State the decision or rule first" in text
    assert "**Before the encounter**" in text
    assert "- Do you yourself know why the rule exists?" in text
    assert "**After the encounter**" in text
    titles = re.findall(r"^### (\d+)\. ", text, re.M)
    assert titles == ["1", "2", "3", "4", "5", "6", "7"]


def test_the_participant_handout_leaves_out_notes_and_timings(script: Path) -> None:
    text = handout(script, audience="participants")
    for expected in STEP_TEXTS:
        assert expected in text, expected
    for hidden in FACILITATOR_ONLY:
        assert hidden not in text, hidden
    assert "Duration" not in text
    assert "Agenda" not in text
    assert "- [ ] Trust" in text
    assert "☐ 1   ☐ 2   ☐ 3   ☐ 4   ☐ 5" in text
    assert "_" * 40 in text  # room to write


def test_raw_html_in_a_script_is_escaped_in_markdown(script: Path) -> None:
    text = handout(script)
    assert re.search(r"(?<!\\)<", text) is None  # every '<' escaped
    assert r"\<script>alert(1)\</script>" in text
    assert "Welcome! Today we **practise** one *thing*." in text  # the script's own Markdown stays


def test_finnish(script: Path) -> None:
    text = handout(script, lang="fi")
    assert "# Luottamus palvelutiskillä" in text
    assert "*Ohjaajan opas*" in text
    assert "Kerro perustelut" in text  # the catalogue's card in Finnish
    assert "Åsa Kuvitelman hakemus hylättiin" in text
    assert "| 0:00–0:05 | 1. Alustus | 5 |" in text
    participants = handout(script, lang="fi", audience="participants")
    assert "*Osallistujan moniste*" in participants
    assert "MUISTIINPANO" not in participants


# --- HTML as text ---------------------------------------------------------------------------------


def test_the_page_stands_alone_and_escapes_everything(script: Path) -> None:
    for audience in ("facilitator", "participants"):
        page = handout(script, audience=audience, fmt="html")
        assert page.startswith("<!DOCTYPE html>")
        assert "<script" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        for reference in ("http://", "https://", "src=", "href=", "url(", "@import", "@font-face", "<link"):
            assert reference not in page
        assert "default-src 'none'" in page
        assert "@page { size: A4" in page
        assert "break-inside: avoid" in page
        assert "<strong>practise</strong> one <em>thing</em>" in page


def test_the_participant_page_has_no_notes(script: Path) -> None:
    page = handout(script, audience="participants", fmt="html")
    for hidden in FACILITATOR_ONLY:
        assert hidden not in page
    assert 'class="notes"' not in page
    assert 'class="lines"' in page
    assert 'data-audience="participants"' in page


def test_markdown_subset() -> None:
    source = (
        "A **bold** and *soft* line\nwith `code` and [a link](https://example.org).\n\n"
        "- one\n- <b>two</b>\n\n1. first\n2. second\n\n## Heading"
    )
    rendered = markdown_html(source)
    assert rendered.split("\n")[0] == "<p>A <strong>bold</strong> and <em>soft</em> line"
    assert "<code>code</code>" in rendered
    assert "a link (https://example.org)" in rendered
    assert "<a " not in rendered
    assert "<ul><li>one</li><li>&lt;b&gt;two&lt;/b&gt;</li></ul>" in rendered
    assert "<ol><li>first</li><li>second</li></ol>" in rendered
    assert "<p><strong>Heading</strong></p>" in rendered
    assert (
        markdown_html('<img src=x onerror="alert(1)">')
        == "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>"
    )


# --- the example scripts --------------------------------------------------------------------------


def example_scripts() -> list[Path]:
    if not EXAMPLES.is_dir():
        return []
    return sorted(path for path in EXAMPLES.glob("*.yaml") if not path.name.endswith(".answers.yaml"))


@pytest.mark.parametrize("example", example_scripts() or [None], ids=lambda p: p.name if p else "none")
def test_every_example_script_renders_every_step(example: Path | None) -> None:
    if example is None:
        pytest.skip("no example scripts in examples/workshops/ yet")
    loaded = load_workshop(example)
    for lang in loaded.workshop.languages:
        for audience in ("facilitator", "participants"):
            content = build_handout(loaded.workshop, loaded.catalogue, lang, audience)  # type: ignore[arg-type]
            text = render_markdown(content)
            page = render_html(content)
            for item in content.steps:
                assert f"### {item.number}. {item.title}" in text
                assert f'id="step-{item.id}"' in page
            if audience == "participants":
                assert not any(item.notes for item in content.steps)


# --- the command ----------------------------------------------------------------------------------


def test_markdown_goes_to_stdout_by_default(script: Path) -> None:
    code, out, err = run("workshop", "handout", str(script))
    assert code == 0, err
    assert out.startswith("# Trust at the counter")
    assert "NOTE-WELCOME" in out
    assert err == ""
    code, out, _ = run("workshop", "handout", str(script), "--for", "participants", "--out", "-")
    assert code == 0
    assert "NOTE-WELCOME" not in out


def test_html_to_a_file_is_written_whole_and_readable(script: Path, tmp_path: Path) -> None:
    (tmp_path / "print").mkdir()
    target = tmp_path / "print" / "guide.html"
    code, out, err = run("workshop", "handout", str(script), "--format", "html", "--out", str(target))
    assert code == 0, err
    assert out == ""
    assert f"Handout written to {target}." in err
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # made to be shared and printed
    assert [path.name for path in target.parent.iterdir()] == ["guide.html"]


def test_the_format_follows_the_file_name(script: Path, tmp_path: Path) -> None:
    target = tmp_path / "handout.html"
    code, _, err = run("workshop", "handout", str(script), "--for", "participants", "-o", str(target))
    assert code == 0, err
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_html_is_not_printed_on_a_terminal(script: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workshop_handout_commands, "stdout_is_terminal", lambda: True)
    code, out, err = run("workshop", "handout", str(script), "--format", "html")
    assert code == 2
    assert out == ""
    assert "add --out FILE" in err
    code, out, _ = run("workshop", "handout", str(script), "--format", "html", "--out", "-")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>")


def test_lang_picks_the_language_and_must_be_the_scripts(script: Path, tmp_path: Path) -> None:
    code, out, _ = run("workshop", "handout", str(script), "--lang", "fi")
    assert code == 0
    assert out.startswith("# Luottamus palvelutiskillä")
    code, out, _ = run("--lang", "fi", "workshop", "handout", str(script))  # the global language too
    assert out.startswith("# Luottamus palvelutiskillä")
    english_only = tmp_path / "en.yaml"
    english_only.write_text(
        "id: short-one\ntitle: A short one\nsteps:\n  - id: hello\n    say: Hello.\n", "utf-8"
    )
    code, out, _ = run("--lang", "fi", "workshop", "handout", str(english_only))
    assert code == 0
    assert out.startswith("# A short one")  # the script's own language when yours is not in it
    code, _, err = run("workshop", "handout", str(english_only), "--lang", "fi")
    assert code == 2
    assert "the script 'short-one' is not written in 'fi' (its languages: en)" in err


def test_a_broken_script_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: broken\ntitle: Broken\nsteps:\n  - id: x\n    practice: no-such-practice\n", "utf-8"
    )
    code, out, err = run("workshop", "handout", str(broken))
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "no-such-practice" in err


# --- in a browser ---------------------------------------------------------------------------------


@pytest.fixture(params=["facilitator", "participants"])
def page_file(request: pytest.FixtureRequest, tmp_path: Path, script: Path) -> Path:
    path = tmp_path / f"{request.param}.html"
    path.write_text(handout(script, lang="fi", audience=request.param, fmt="html"), "utf-8")
    return path


def test_chromium_renders_a_screenshot(tmp_path: Path, page_file: Path) -> None:
    png = tmp_path / "handout.png"
    run_chromium(tmp_path, f"--screenshot={png}", "--window-size=900,1800", page_file.as_uri())
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 30_000  # a blank page compresses to a few kilobytes


def test_chromium_prints_it_on_a4_pages(tmp_path: Path, page_file: Path) -> None:
    pdf = tmp_path / "handout.pdf"
    run_chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page_file.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", data)
    assert len(pages) >= 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](?:\.\d+)? 84[12](?:\.\d+)?\s*\]", data)  # A4 in points


def test_the_dom_holds_every_step_with_finnish_letters(tmp_path: Path, page_file: Path) -> None:
    dom = run_chromium(tmp_path, "--dump-dom", page_file.as_uri()).stdout.decode("utf-8")
    for text in (
        "Luottamus palvelutiskillä",
        "Tervetuloa! Tänään",
        "Kerro perustelut",
        "Valitse arvo",
        "Åsa Kuvitelman hakemus hylättiin",
        "Kuinka kuulluksi asiakas tunsi itsensä?",
        "Milloin viimeksi perustelit säännön?",
        "Missä valta on kohtaamisissasi?",
    ):
        assert text in dom, text
    assert dom.count('<section class="step') == 7
    assert "<script" not in dom
    if "participants" in page_file.name:
        assert "MUISTIINPANO" not in dom
    else:
        assert "MUISTIINPANO-TERVETULOA" in dom


def page_requests(tmp_path: Path, page: Path, name: str) -> list[str]:
    """The URLs the page itself asked for, from Chromium's network log.

    Chromium's own background traffic (update checks and the like) carries the initiator
    'not an origin'; what a file:// page asks for carries the page's opaque origin, 'null'.
    """
    log = tmp_path / f"{name}.netlog.json"
    run_chromium(tmp_path, f"--log-net-log={log}", "--dump-dom", page.as_uri())
    data = json.loads(log.read_text("utf-8"))
    names = {number: key for key, number in data["constants"]["logEventTypes"].items()}
    requests = []
    for event in data["events"]:
        params = event.get("params") or {}
        started = names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params
        if started and params.get("initiator") != "not an origin":
            requests.append(params["url"])
    return requests


def test_the_page_asks_the_network_for_nothing(tmp_path: Path, page_file: Path) -> None:
    # the control: a page that does ask is seen asking, so an empty list below means something
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><p>x</p><img src="http://127.0.0.1:9/pixel.png">', "utf-8")
    assert page_requests(tmp_path, control, "control") == ["http://127.0.0.1:9/pixel.png"]
    assert page_requests(tmp_path, page_file, "handout") == []
