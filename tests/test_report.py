"""The HTML report: standalone, escaped, no free text unless asked, scrubbed when asked; it renders.

The figures are built by hand here (``Insights`` instances), so these tests do not depend on how
``insights.compute`` counts; one end-to-end test runs the real thing through the CLI.
"""

from __future__ import annotations

import re
import stat
import sys
import types
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from browser import run_chromium
from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue, Localized
from encounters_cli.cli import report_commands
from encounters_cli.cli.app import app
from encounters_cli.insights.figures import (
    Insights,
    OpenItem,
    PracticeFigures,
    RatingPoint,
    SuggestedPractice,
)
from encounters_cli.privacy.recognisers import Scrubber
from encounters_cli.report.html import MONTHS, render_html
from encounters_cli.storage.records import NextStep

UTC = timezone.utc
GENERATED = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
PERIODS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
LABEL = "Benefit form <b>help</b> at the counter"
INTENTION = "Call back on 040 123 4567 about the form"
NEXT_STEP = "Email parent.example@example.org the appeal form and check back"
FREE_TEXTS = (LABEL, INTENTION, NEXT_STEP, "Benefit form", "Call back", "appeal form")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue([])


def points(*pairs: tuple[float | None, int]) -> list[RatingPoint]:
    return [RatingPoint(period, mean, n) for period, (mean, n) in zip(PERIODS, pairs, strict=True)]


def sample(catalogue: Catalogue) -> Insights:
    """Six months of a plausible journal: every chart has something to draw."""
    values = {value_id: [(i * 3 + j) % 5 for j in range(6)] for i, value_id in enumerate(catalogue.values)}
    return Insights(
        since=datetime(2026, 6, 1, tzinfo=UTC),
        until=datetime(2026, 11, 28, tzinfo=UTC),  # exclusive: the page shows 27 Nov as the last day
        domain=None,
        granularity="month",
        periods=list(PERIODS),
        total=23,
        by_status={"prepared": 2, "reflected": 15, "logged": 6},
        values=values,
        value_totals={key: sum(counts) for key, counts in values.items()},
        ratings={
            "participation": points((3.0, 2), (None, 0), (3.5, 2), (4.0, 3), (4.25, 4), (4.0, 1)),
            "trust": points(*[(None, 0)] * 5, (4.0, 1)),
            "knowledge": points((2.0, 1), (2.5, 2), (3.0, 2), (None, 0), (None, 0), (4.5, 2)),
            "justice": points(*[(None, 0)] * 6),
        },
        practices=[
            PracticeFigures("explain-the-why", 6, 5, 4.2, 3.1, 8, 12),
            PracticeFigures("plain-language-check-back", 3, 2, 3.5, 3.6, 3, 17),
            PracticeFigures("listen-to-the-end", 1, 0, None, 3.5, 0, 20),
        ],
        open_encounters=[
            OpenItem("a" * 32, datetime(2026, 11, 20, 9, tzinfo=UTC), LABEL, INTENTION, 7),
            OpenItem("b" * 32, datetime(2026, 11, 27, 9, tzinfo=UTC), None, None, 0),
        ],
        pending_steps=[
            NextStep(
                "c" * 32,
                datetime(2026, 11, 18, 12, tzinfo=UTC),
                "library",
                ["explain-the-why"],
                ["trust"],
                {"trust": 4},
                NEXT_STEP,
            )
        ],
        suggestion=SuggestedPractice(
            "calm-and-fair-in-conflict", ["justice"], {"justice": 1, "equality": 4}, 18
        ),
    )


def empty() -> Insights:
    return Insights(
        since=None,
        until=None,
        domain=None,
        granularity="week",
        periods=[],
        total=0,
        by_status={},
        values={},
        value_totals={},
        ratings={},
        practices=[],
    )


def one_entry(catalogue: Catalogue) -> Insights:
    values = {value_id: [1 if value_id == "trust" else 0] for value_id in catalogue.values}
    return Insights(
        since=None,
        until=None,
        domain="library",
        granularity="week",
        periods=["2026-W48"],
        total=1,
        by_status={"reflected": 1},
        values=values,
        value_totals={key: sum(counts) for key, counts in values.items()},
        ratings={"trust": [RatingPoint("2026-W48", 4.0, 1)], "justice": [RatingPoint("2026-W48", None, 0)]},
        practices=[PracticeFigures("explain-the-why", 1, 1, 4.0, None, 1, 0)],
        suggestion=SuggestedPractice("hear-the-child", ["participation"], {"participation": 0}, 1),
    )


def render(insights: Insights, catalogue: Catalogue, lang: str = "en", **options: Any) -> str:
    options.setdefault("include_text", False)
    options.setdefault("scrubber", None)
    return render_html(insights, catalogue, lang, generated=GENERATED, tz=UTC, **options)


def visible_text(page: str) -> str:
    """The page without its tags: what a reader sees (entities left as they are)."""
    return re.sub(r"<[^>]+>", " ", page.split("</head>", 1)[1])


# --- a standalone page ------------------------------------------------------------------------------


def test_the_page_loads_nothing_from_anywhere(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue, include_text=True, scrubber=Scrubber())
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page
    assert "<link" not in page
    for reference in ("src=", "href=", "url(", "@import", "@font-face"):
        assert reference not in page
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page


def test_one_svg_per_chart_each_with_a_title(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue)
    charts = re.findall(r'<svg class="chart ([a-z-]+)".*?</svg>', page, re.S)
    # values; participation, trust, knowledge (justice has no ratings: a sentence, not a chart);
    # practices; what is still open
    assert charts == ["values-chart", *["rating-chart"] * 3, "practices-chart", "open-chart"]
    assert page.count("<svg") == 6
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        assert re.search(r'role="img" aria-labelledby="([^"]+)"><title id="\1">[^<]+</title>', svg)


def test_charts_carry_their_numbers_as_text(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue)
    values_chart = re.search(r'<svg class="chart values-chart".*?</svg>', page, re.S).group()
    row = r'<text x="8" y="[\d.]+">([^<]+)</text>.*?class="strong" text-anchor="end">(\d+)</text>'
    totals = re.findall(row, values_chart)
    assert totals[:3] == [("Equality", "10"), ("Freedom", "13"), ("Participation", "11")]
    assert ("Welfare", "14") in totals
    assert ">Cornerstones</text>" in values_chart
    assert ">Lifelines</text>" in values_chart
    assert ">Outcomes</text>" in values_chart
    assert ">Jun</text>" in values_chart
    # each rating point: its mean and its n written beside it; a single rating drawn hollow
    assert ">4.2</text>" in page
    assert ">n=4</text>" in page
    assert page.count('class="point single"') == 3  # participation Nov, trust Nov, knowledge Jun
    assert "Only one rating so far: not a trend yet." in page
    # practices: uses, and the means with and without, with their n
    assert ">6 (5 rated)</text>" in page
    assert ">with it: 4.2 (n=8)</text>" in page
    assert ">without: 3.1 (n=12)</text>" in page
    assert ">with it: no ratings</text>" in page
    # the open counts and the one suggestion with its reason
    open_chart = re.search(r'<svg class="chart open-chart".*?</svg>', page, re.S).group()
    assert re.findall(r'class="strong">(\d+)</text>', open_chart) == ["2", "1"]
    assert "Stay calm and fair in conflict" in page
    assert "it serves Justice, the value my recent encounters touched least (1 of the last 18)" in page


def test_the_top_says_what_the_page_covers_and_whose_perceptions_these_are(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue)
    assert "Period: 1 Jun 2026 – 27 Nov 2026" in page
    assert "per month" in page
    assert "Domain: all domains" in page
    assert "Made 27 Nov 2026 18:30" in page
    assert "In this period: 23 encounters (2 prepared, 15 reflected on, 6 logged)." in page
    assert "These figures show my own perceptions as a professional" in page
    assert "They are not ratings given by the people I met." in page


def test_print_styles_for_a4(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue)
    assert "@media print" in page
    assert "size: A4" in page
    assert "section + section { break-before: page; }" in page


# --- escaping and free text -------------------------------------------------------------------------


def test_markup_in_catalogue_names_and_labels_is_escaped(catalogue: Catalogue) -> None:
    practice = catalogue.practices["explain-the-why"]
    team = practice.model_copy(update={"title": Localized(en="<b>Team</b> check-in", fi="<b>Tiimi</b>")})
    domain = catalogue.domains["library"].model_copy(update={"name": Localized(en="<b>Desk</b>", fi="x")})
    patched = Catalogue(
        catalogue.values,
        {**catalogue.domains, "library": domain},
        {**catalogue.practices, "explain-the-why": team},
        catalogue.question_sets,
        catalogue.version,
        catalogue.sources,
    )
    figures = sample(catalogue)
    figures.domain = "library"
    page = render(figures, patched, include_text=True, scrubber=Scrubber())
    assert "<b>" not in page
    assert "&lt;b&gt;Team&lt;/b&gt; check-in" in page
    assert "&lt;b&gt;Desk&lt;/b&gt;" in page
    assert "Benefit form &lt;b&gt;help&lt;/b&gt; at the counter" in page


def test_no_free_text_without_include_text(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue, scrubber=Scrubber())
    for text in FREE_TEXTS:
        assert text not in page
    assert "&lt;b&gt;help" not in page
    assert "[EMAIL-1]" not in page
    assert 'data-text-included="false"' in page
    assert "No free text is included" in page
    # the countable facts of those items are still there
    assert "Prepared 20 Nov 2026 (7 days ago)" in page
    assert "18 Nov 2026 · Library · Explain the why" in page


def test_free_text_is_scrubbed_with_include_text(catalogue: Catalogue) -> None:
    scrubber = Scrubber()
    page = render(sample(catalogue), catalogue, include_text=True, scrubber=scrubber)
    assert "Email [EMAIL-1] the appeal form and check back" in page
    assert "Call back on [PHONE-1] about the form" in page
    assert "parent.example@example.org" not in page
    assert "040 123 4567" not in page
    assert 'data-text-included="true"' in page
    assert "Free text is included" in visible_text(page).split("Values my encounters touched")[0]
    assert "No recogniser finds everything" in page
    assert scrubber.counts == {"EMAIL": 1, "PHONE": 1}


def test_private_entries_keep_their_text_off_the_page(catalogue: Catalogue) -> None:
    figures = sample(catalogue)
    figures.pending_steps = [replace(step, private=True) for step in figures.pending_steps]
    figures.open_encounters = [replace(item, private=True) for item in figures.open_encounters]
    scrubber = Scrubber()
    page = render(figures, catalogue, include_text=True, scrubber=scrubber)
    assert scrubber.counts == {}  # nothing private reached the scrubber
    assert "appeal form" not in page
    assert INTENTION not in page
    assert 'data-text-included="true"' in page  # the rest of the page still says text was asked for


def test_free_text_without_a_scrubber_says_it_is_unscrubbed(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue, include_text=True, scrubber=None)
    assert "parent.example@example.org" in page
    assert "Free text is included as written, with no identifiers replaced." in page


def test_control_characters_in_text_are_shown_not_sent(catalogue: Catalogue) -> None:
    figures = sample(catalogue)
    figures.pending_steps[0].text = "ring\x1b[31m bell\x07"
    page = render(figures, catalogue, include_text=True, scrubber=Scrubber())
    assert "\x1b" not in page
    assert "\x07" not in page
    assert "ring\\x1b[31m bell\\x07" in page


# --- small journals and Finnish ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [("en", "No encounters in this period."), ("fi", "Tällä aikavälillä ei ole kohtaamisia.")],
)
def test_an_empty_journal(catalogue: Catalogue, lang: str, sentence: str) -> None:
    page = render(empty(), catalogue, lang)
    assert sentence in page
    assert "<svg" not in page
    assert "Period: all entries" in page or "Aikaväli: kaikki merkinnät" in page


def test_a_one_entry_journal(catalogue: Catalogue) -> None:
    page = render(one_entry(catalogue), catalogue)
    assert "In this period: 1 encounter (0 prepared, 1 reflected on, 0 logged)." in page
    assert "Domain: Library" in page
    assert page.count('class="point single"') == 1
    assert "Trust <span" in page
    assert "(1 rating)" in page
    assert "Only one rating so far: not a trend yet." in page
    assert ">W48</text>" in page
    assert ">without: no ratings</text>" in page
    assert "Nothing is open." in page
    assert "Hear the child" in page


def test_finnish(catalogue: Catalogue) -> None:
    page = render(sample(catalogue), catalogue, "fi_FI.UTF-8", include_text=True, scrubber=Scrubber())
    assert '<html lang="fi">' in page
    assert "Demokraattiset kohtaamiseni – katsaus" in page
    assert "Aikaväli: 1.6.2026 – 27.11.2026" in page
    assert ">marras</text>" in page
    assert ">4,2</text>" in page  # a decimal comma
    assert ">käyttäen: 4,2 (n=8)</text>" in page
    assert ">Luottamus</text>" in page
    assert "Ne eivät ole kohtaamieni ihmisten antamia arvioita." in page
    assert "Valmisteltu 20.11.2026 (7 päivää sitten)" in page
    assert "harjoitus tukee arvoa Oikeudenmukaisuus" in page
    assert "Seuraava askel:" in page
    assert "Vapaa teksti on mukana" in page


def test_weeks_across_a_new_year_show_the_new_year(catalogue: Catalogue) -> None:
    figures = one_entry(catalogue)
    figures.periods = ["2026-W52", "2026-W53", "2027-W01"]
    figures.values = {value_id: [0, 1, 2] for value_id in catalogue.values}
    figures.ratings = {}
    page = render(figures, catalogue, "fi")
    assert ">vk 52</text>" in page
    assert ">vk 1</text>" in page
    assert ">2027</text>" in page


# --- in a browser -----------------------------------------------------------------------------------


@pytest.fixture
def page_file(tmp_path: Path, catalogue: Catalogue) -> Path:
    path = tmp_path / "report.html"
    path.write_text(render(sample(catalogue), catalogue, include_text=True, scrubber=Scrubber()), "utf-8")
    return path


def test_chromium_takes_a_screenshot(tmp_path: Path, page_file: Path) -> None:
    png = tmp_path / "report.png"
    run_chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,2000", page_file.as_uri())
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 30_000  # a blank 1200x2000 page compresses to a few kilobytes


def test_chromium_prints_a_pdf(tmp_path: Path, page_file: Path) -> None:
    pdf = tmp_path / "report.pdf"
    run_chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page_file.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 20_000


def test_the_charts_are_in_the_rendered_dom(tmp_path: Path, page_file: Path) -> None:
    dom = run_chromium(tmp_path, "--dump-dom", page_file.as_uri()).stdout.decode("utf-8")
    assert dom.count("<svg") == 6
    for kind in ("values-chart", "rating-chart", "practices-chart", "open-chart"):
        assert f'class="chart {kind}"' in dom
    assert "[EMAIL-1]" in dom


# --- the command ------------------------------------------------------------------------------------


@pytest.fixture
def fake_gather(monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue) -> list[Any]:
    """Stand in for insights.compute.gather: hand-made figures, and a record of the filter it got."""
    calls: list[Any] = []

    def gather(store: Any, catalogue_: Catalogue, flt: Any, *, now: Any = None, tz: Any = None) -> Insights:
        calls.append(flt)
        return sample(catalogue)

    module = types.ModuleType("encounters_cli.insights.compute")
    module.gather = gather  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "encounters_cli.insights.compute", module)
    return calls


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_html_is_required(fake_gather: list[Any]) -> None:
    result = run("report")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "add --html" in result.stderr
    assert fake_gather == []


def test_out_path_is_written_privately_and_named_on_stderr(fake_gather: list[Any], tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "review.html"
    result = run("report", "--html", "--out", str(target), "--since", "2026-06-01", "--domain", "library")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"Report written to {target}." in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [path.name for path in target.parent.iterdir()] == ["review.html"]  # no temporary file left
    [flt] = fake_gather
    assert flt.domain == "library"
    assert flt.since is not None
    assert flt.until is None


def test_out_replaces_an_existing_file(fake_gather: list[Any], tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    target.write_text("old", "utf-8")
    assert run("report", "--html", "-o", str(target)).exit_code == 0
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_out_dash_and_a_pipe_go_to_stdout(fake_gather: list[Any]) -> None:
    for args in (("--out", "-"), ()):
        result = run("report", "--html", *args)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("<!DOCTYPE html>")
        assert result.stdout.rstrip().endswith("</html>")
        assert "Report written to standard output." in result.stderr


def test_on_a_terminal_the_default_file_is_in_the_current_folder(
    fake_gather: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(report_commands, "stdout_is_terminal", lambda: True)
    result = run("report", "--html")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    [written] = list(tmp_path.glob("encounters-report-*.html"))
    assert re.fullmatch(r"encounters-report-\d{4}-\d{2}-\d{2}\.html", written.name)
    assert f"Report written to {written.name}." in result.stderr


def test_include_text_scrubs_and_says_what_it_replaced(fake_gather: list[Any]) -> None:
    result = run("--lang", "fi", "report", "--html", "--include-text")
    assert result.exit_code == 0, result.stderr
    assert "[EMAIL-1]" in result.stdout
    assert "parent.example@example.org" not in result.stdout
    assert "EMAIL 1, PHONE 1" in result.stderr
    assert "Mikään tunnistin ei löydä kaikkea" in result.stderr


def test_unknown_domain_and_bad_dates_are_errors(fake_gather: list[Any]) -> None:
    result = run("report", "--html", "--domain", "nowhere")
    assert result.exit_code == 1
    assert "unknown domain 'nowhere'" in result.stderr
    assert run("report", "--html", "--since", "someday").exit_code == 2
    assert fake_gather == []


def test_out_into_a_missing_folder_is_an_error(fake_gather: list[Any], tmp_path: Path) -> None:
    result = run("report", "--html", "--out", str(tmp_path / "missing" / "r.html"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_end_to_end_with_the_real_figures(tmp_path: Path) -> None:
    pytest.importorskip("encounters_cli.insights.compute")
    logged = run("log", "Phone call about a rejected application", "-v", "justice", "--domain", "library")
    assert logged.exit_code == 0, logged.stderr
    target = tmp_path / "r.html"
    result = run("report", "--html", "--out", str(target), "--since", "7d")
    assert result.exit_code == 0, result.stderr
    page = target.read_text("utf-8")
    assert '<svg class="chart values-chart"' in page
    assert "In this period: 1 encounter" in page
    assert "Phone call" not in page
    week_ago = datetime.now().astimezone().date() - timedelta(days=7)
    assert f"Period: from {week_ago.day} {MONTHS['en'][week_ago.month - 1]} {week_ago.year}" in page


def test_more_open_encounters_than_listed_are_counted(catalogue: Catalogue) -> None:
    figures = sample(catalogue)
    figures.open_total = 5  # type: ignore[attr-defined]  # the total, when only the newest are listed
    page = render(figures, catalogue)
    open_chart = re.search(r'<svg class="chart open-chart".*?</svg>', page, re.S).group()
    assert re.findall(r'class="strong">(\d+)</text>', open_chart) == ["5", "1"]
    assert "… and 3 older ones" in page
