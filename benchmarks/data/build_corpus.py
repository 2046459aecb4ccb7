"""Build the privacy corpora from their marked-up halves.

- privacy_corpus.jsonl from privacy_corpus_en.txt and privacy_corpus_fi.txt: the corpus the
  recognisers were developed against;
- privacy_heldout.jsonl from privacy_heldout_en.txt and privacy_heldout_fi.txt: written after the
  rules were settled and measured once, to show how the figures carry over.


    python benchmarks/data/build_corpus.py

Markup, one entry per line (lines starting with '#' are comments):

- ``[[KIND|text]]`` labels ``text`` as an identifier of KIND (PERSON, ADDRESS, PHONE, EMAIL, URL, HETU,
  IBAN, BUSINESS-ID, PLATE);
- ``{{NAME}}`` is replaced by a synthetic value made here, labelled when it is valid:
  HETU (1930-2012, sign '-' or 'A'), HETU_NEW (a 2023 century sign), HETU_CHILD (2000s),
  HETU_TEMP (individual number 9xx), IBAN (Finnish, compact), IBAN_SPACED (Finnish, in groups of
  four), YTUNNUS (business id), VAT (FI + business id digits); and, left unlabelled because they
  are not valid: BAD_HETU (wrong check character), BAD_YTUNNUS (a number whose remainder is 1).

Every value comes from a seeded random generator: the file is the same on every run, and no value
is a real person's or company's. Offsets in the output are code points (Python string indices).
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = {
    "privacy_corpus": ("privacy_corpus_en.txt", "privacy_corpus_fi.txt"),
    "privacy_heldout": ("privacy_heldout_en.txt", "privacy_heldout_fi.txt"),
}
KINDS = {"PERSON", "ADDRESS", "PHONE", "EMAIL", "URL", "HETU", "IBAN", "BUSINESS-ID", "PLATE"}

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
Y_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def hetu(day: date, sign: str, individual: int) -> str:
    digits = f"{day:%d%m}{day.year % 100:02d}"
    return f"{digits}{sign}{individual:03d}{HETU_CHECK[int(f'{digits}{individual:03d}') % 31]}"


def business_id_check(digits: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, Y_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def fi_iban(bban: str) -> str:
    rearranged = "".join(str(int(char, 36)) for char in bban + "FI00")
    return f"FI{98 - int(rearranged) % 97:02d}{bban}"


class Values:
    """Synthetic identifiers, reproducible from the seed."""

    def __init__(self, seed: int = 2026) -> None:
        self.random = random.Random(seed)

    def day(self, first: int, last: int) -> date:
        start = date(first, 1, 1)
        return start + timedelta(days=self.random.randrange((date(last, 12, 31) - start).days))

    def make(self, name: str) -> tuple[str, str | None]:
        r = self.random
        if name == "HETU":
            day = self.day(1930, 2012)
            return hetu(day, "-" if day.year < 2000 else "A", r.randrange(2, 900)), "HETU"
        if name == "HETU_NEW":
            day = self.day(1950, 2015)
            sign = r.choice("YXWVU") if day.year < 2000 else r.choice("BCDEF")
            return hetu(day, sign, r.randrange(2, 900)), "HETU"
        if name == "HETU_CHILD":
            return hetu(self.day(2010, 2022), "A", r.randrange(2, 900)), "HETU"
        if name == "HETU_TEMP":
            day = self.day(1960, 2005)
            return hetu(day, "-" if day.year < 2000 else "A", r.randrange(900, 1000)), "HETU"
        if name == "BAD_HETU":
            code = hetu(self.day(1940, 1999), "-", r.randrange(2, 900))
            wrong = HETU_CHECK[(HETU_CHECK.index(code[-1]) + 1 + r.randrange(29)) % 31]
            return code[:-1] + wrong, None
        if name in ("IBAN", "IBAN_SPACED"):
            compact = fi_iban("".join(r.choice("0123456789") for _ in range(14)))
            if name == "IBAN":
                return compact, "IBAN"
            return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)), "IBAN"
        if name in ("YTUNNUS", "VAT"):
            while True:
                digits = f"{r.randrange(1, 3_300_000):07d}"
                check = business_id_check(digits)
                if check is not None:
                    break
            return (f"{digits}-{check}" if name == "YTUNNUS" else f"FI{digits}{check}"), "BUSINESS-ID"
        if name == "BAD_YTUNNUS":
            while True:
                digits = f"{r.randrange(1, 3_300_000):07d}"
                if business_id_check(digits) is None:  # remainder 1: no check digit is valid
                    return f"{digits}-{r.randrange(10)}", None
        raise ValueError(f"unknown generator {{{{{name}}}}}")


MARK = re.compile(r"\[\[([A-Z-]+)\|(.+?)\]\]|\{\{([A-Z_]+)\}\}")


def parse(line: str, values: Values) -> tuple[str, list[dict]]:
    text: list[str] = []
    spans: list[dict] = []
    position = 0
    length = 0
    for match in MARK.finditer(line):
        plain = line[position : match.start()]
        text.append(plain)
        length += len(plain)
        if match.group(1):
            kind, content = match.group(1), match.group(2)
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r} in: {line}")
        else:
            content, kind = values.make(match.group(3))
        text.append(content)
        if kind is not None:
            spans.append({"start": length, "end": length + len(content), "kind": kind})
        length += len(content)
        position = match.end()
    text.append(line[position:])
    return "".join(text), spans


def build(name: str = "privacy_corpus") -> list[dict]:
    values = Values()
    entries = []
    for lang, source in zip(("en", "fi"), CORPORA[name], strict=True):
        for raw in (HERE / source).read_text(encoding="utf-8").splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            text, spans = parse(raw, values)
            if "[[" in text or "{{" in text:
                raise ValueError(f"unbalanced markup in: {raw}")
            entries.append({"lang": lang, "text": text, "spans": spans})
    return entries


def main() -> None:
    for name in CORPORA:
        entries = build(name)
        output = HERE / f"{name}.jsonl"
        with output.open("w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        kinds: dict[str, int] = {}
        for entry in entries:
            for span in entry["spans"]:
                kinds[span["kind"]] = kinds.get(span["kind"], 0) + 1
        empty = sum(1 for entry in entries if not entry["spans"])
        print(f"{len(entries)} entries ({empty} without identifiers) -> {output.name}: {kinds}")


if __name__ == "__main__":
    main()
