"""The labelled privacy corpus is consistent, and the recognisers meet issue 3's targets on it.

A quality check, not a timing one: benchmarks/recognisers.py measures speed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from encounters_cli.privacy.lexicon import Lexicon
from encounters_cli.privacy.recognisers import Recognisers

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
KINDS = {"PERSON", "ADDRESS", "PHONE", "EMAIL", "URL", "HETU", "IBAN", "BUSINESS-ID", "PLATE"}


def load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


benchmark = load_module("privacy_benchmark", ROOT / "benchmarks" / "recognisers.py")
builder = load_module("privacy_corpus_builder", DATA / "build_corpus.py")
ENTRIES = benchmark.load(DATA / "privacy_corpus.jsonl")
HELDOUT = benchmark.load(DATA / "privacy_heldout.jsonl")


def test_the_corpus_is_big_enough_and_half_in_each_language() -> None:
    assert len(ENTRIES) >= 240
    english = sum(1 for entry in ENTRIES if entry["lang"] == "en")
    assert abs(english - len(ENTRIES) / 2) <= len(ENTRIES) * 0.05
    assert {entry["lang"] for entry in ENTRIES} == {"en", "fi"}
    assert sum(1 for entry in ENTRIES if not entry["spans"]) >= 60  # entries with nothing to find


def test_every_span_is_inside_its_text_nonempty_and_apart() -> None:
    for entry in ENTRIES + HELDOUT:
        text = entry["text"]
        previous_end = 0
        for span in sorted(entry["spans"], key=lambda span: span["start"]):
            assert span["kind"] in KINDS, entry
            assert 0 <= span["start"] < span["end"] <= len(text), entry
            covered = text[span["start"] : span["end"]]
            assert covered, entry
            assert covered.strip() == covered, entry  # no padded spans
            assert span["start"] >= previous_end, entry  # spans do not overlap
            previous_end = span["end"]


def test_the_jsonl_is_what_the_marked_up_sources_build() -> None:
    """Edit privacy_corpus_en.txt / _fi.txt and run build_corpus.py; never the jsonl by hand."""
    assert builder.build() == ENTRIES
    assert builder.build("privacy_heldout") == HELDOUT


def test_synthetic_identifiers_are_valid_where_labelled() -> None:
    from encounters_cli.privacy.codes import business_id_is_valid, hetu_is_valid, iban_is_valid

    checks = {"HETU": hetu_is_valid, "IBAN": iban_is_valid, "BUSINESS-ID": business_id_is_valid}
    for entry in ENTRIES + HELDOUT:
        for span in entry["spans"]:
            if span["kind"] in checks:
                assert checks[span["kind"]](entry["text"][span["start"] : span["end"]]), entry


def test_scoring_counts_whole_spans_only() -> None:
    class Found:
        def __init__(self, kind: str, start: int, end: int) -> None:
            self.kind, self.start, self.end = kind, start, end

    span = {"start": 4, "end": 16, "kind": "PERSON"}
    entries = [{"lang": "en", "text": "Met Dana Fictive today", "spans": [span]}]
    half = benchmark.score(entries, lambda text: [Found("PERSON", 4, 8)])
    assert half.kinds["PERSON"].whole == 0  # 'Dana' alone leaves 'Fictive' readable
    assert half.kinds["PERSON"].right == 1  # but it is no false alarm
    whole = benchmark.score(entries, lambda text: [Found("PERSON", 0, 16)])
    assert whole.kinds["PERSON"].whole == 1
    other = benchmark.score(entries, lambda text: [Found("ADDRESS", 4, 16)])
    assert (other.kinds["PERSON"].whole, other.kinds["PERSON"].any_kind) == (0, 1)
    assert other.precision == 0.0


@pytest.mark.skipif(not Lexicon.load().available, reason="the targets assume the Voikko lexicon")
def test_the_recognisers_meet_the_targets_on_the_corpus() -> None:
    result = benchmark.score(ENTRIES, Recognisers(lexicon=Lexicon.load()).find)
    assert result.failures() == [], benchmark.table(result)


def test_without_voikko_everything_but_names_meets_the_targets() -> None:
    result = benchmark.score(ENTRIES, Recognisers(lexicon=Lexicon.off()).find)
    failures = result.failures()
    assert all(line.startswith("PERSON ") for line in failures), benchmark.table(result)
    assert result.precision >= benchmark.PRECISION_TARGET
    assert result.kinds["PERSON"].recall >= 0.5  # titles, roles and -nen surnames: documented figure


def test_the_benchmark_runs_end_to_end(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(json.dumps(entry) for entry in ENTRIES[:20]) + "\n", encoding="utf-8")
    benchmark.main(["--corpus", str(small), "--no-speed", "--errors"])
    output = capsys.readouterr().out
    assert "PERSON" in output
    assert "precision" in output
