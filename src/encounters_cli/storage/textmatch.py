"""Search in decrypted text, in memory, matching the way the journal's FTS5 index does.

An encrypted journal keeps no search index (an index of words is the text, readable), so its search
decrypts each candidate and matches here. The rules follow ``Store.search`` on the index:

- words are runs of letters, digits and combining marks; everything else separates them;
- case and diacritics are ignored both ways (``kavi`` finds ``Kävi``), like ``unicode61
  remove_diacritics 2``;
- every word typed must occur; a word that splits into several (``e-mail``) must occur as that run
  of words; ``word*`` matches words starting with ``word``;
- the score counts occurrences, a label occurrence counting ``label_weight`` times;
- a snippet is a window of a few words from the label or the answers, whichever holds more of the
  words searched for, with the matches between the highlight markers and ``…`` where text was cut.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

ELLIPSIS = "…"
# Letters and digits (\w without _), combining marks and private-use characters. A regular expression
# rather than a loop over characters: searching thousands of decrypted entries tokenises megabytes.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = re.compile(f"(?:[^\\W_]|[{_MARKS}\ue000-\uf8ff])+")
_MARK = re.compile(f"[{_MARKS}]+")


@dataclass(frozen=True)
class Phrase:
    """One word as typed, folded into the run of tokens it must match; ``prefix``: the last may go on."""

    tokens: tuple[str, ...]
    prefix: bool


def fold(text: str) -> str:
    """Lower case without diacritics (decomposed, marks dropped): what words are compared as.

    Folding a whole text gives the folds of its words in place, so a word's fold not occurring in a
    text's fold is proof enough that the word does not occur.
    """
    return _MARK.sub("", unicodedata.normalize("NFD", text.lower()))


_fold_word = functools.lru_cache(maxsize=65536)(fold)  # the same words recur across entries


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (one per ``spans`` entry)."""
    return [_fold_word(word) for word in _WORD.findall(text)]


def phrases(query: str) -> list[Phrase]:
    """What a typed query asks for; words with no letter or digit are dropped (as ``fts_query`` does)."""
    found: list[Phrase] = []
    for word in query.split():
        prefix = word.endswith("*")
        core = word.rstrip("*")
        if not any(char.isalnum() for char in core):
            continue
        folded = tuple(token for token in words(core) if token)
        if folded:
            found.append(Phrase(folded, prefix))
    return found


def _occurrences(phrase: Phrase, folded: Sequence[str]) -> list[int]:
    """Indexes in ``folded`` (a text's words) where ``phrase`` starts."""
    *leading, last = phrase.tokens
    if phrase.prefix:
        ends = [index for index, word in enumerate(folded) if word.startswith(last)]
    else:
        ends = [index for index, word in enumerate(folded) if word == last]
    size = len(leading)
    if not size:
        return ends
    return [
        end - size
        for end in ends
        if end >= size and all(folded[end - size + k] == token for k, token in enumerate(leading))
    ]


@dataclass(frozen=True)
class Match:
    """A text's score, and where its snippet lies (drawn by ``snippet`` only for the hits kept)."""

    score: float
    in_label: bool
    window_start: int
    hits: tuple[tuple[int, int], ...]  # (first word, word count) of each hit in that column


def match(
    query: Sequence[Phrase],
    label: str,
    body: str,
    *,
    label_weight: float,
    window: int,
) -> Match | None:
    """How well ``label`` and ``body`` match ``query`` (None unless every phrase occurs in one of them)."""
    if not query:
        return None
    whole = fold(f"{label}\n{body}")
    if any(token not in whole for phrase in query for token in phrase.tokens):
        return None  # the cheap test first: most entries lack some word
    columns = [(label, words(label)), (body, words(body))]
    hits: list[list[tuple[int, int]]] = [[], []]  # per column: (first word, word count) of each hit
    score = 0.0
    for phrase in query:
        found = False
        for column, (_, folded) in enumerate(columns):
            starts = _occurrences(phrase, folded)
            if starts:
                found = True
                score += len(starts) * (label_weight if column == 0 else 1.0)
                hits[column].extend((start, len(phrase.tokens)) for start in starts)
        if not found:
            return None
    best: tuple[int, int] | None = None  # (column, first word of the window)
    best_rank = (-1, -1)
    for column, (_, folded) in enumerate(columns):
        if not hits[column]:
            continue
        start, rank = _best_window(hits[column], len(folded), window)
        if rank > best_rank:
            best, best_rank = (column, start), rank
    assert best is not None  # every phrase occurred somewhere
    column, start = best
    return Match(score, column == 0, start, tuple(hits[column]))


def _best_window(hits: Sequence[tuple[int, int]], count: int, window: int) -> tuple[int, tuple[int, int]]:
    """First word of the ``window``-word span holding the most hits, shifted to centre them.

    Rank: distinct hit positions inside, then earliness (a tie goes to the window nearer the start).
    """
    firsts = sorted({start for start, _ in hits})
    best_index, best_inside = 0, 0
    right = 0
    for left, first in enumerate(firsts):  # two pointers: each window is [firsts[left], first + window)
        right = max(right, left)
        while right < len(firsts) and firsts[right] < first + window:
            right += 1
        if right - left > best_inside:
            best_index, best_inside = left, right - left
    best_start = firsts[best_index]
    inside = set(firsts[best_index : best_index + best_inside])
    last_end = max(start + size for start, size in hits if start in inside)
    slack = max(0, window - (last_end - best_start))
    start = max(0, min(best_start - slack // 2, count - window))
    return start, (best_inside, -best_start)


def snippet(found: Match, label: str, body: str, *, window: int, highlight: tuple[str, str]) -> str:
    """The ``window`` words ``found`` chose, its hits between the markers, and … where text was cut."""
    text = label if found.in_label else body
    spans = [word.span() for word in _WORD.finditer(text)]
    first, hits = found.window_start, found.hits
    last = min(len(spans), first + window)
    marked: dict[int, int] = {}  # first word -> last word (inclusive) of a highlighted run
    run: list[int] | None = None
    for start, size in sorted(hits):
        if not first <= start < last:
            continue
        end = min(start + size, last) - 1
        if run is not None and start <= run[1]:  # overlapping hits ("e-mail" and "mail*") mark one run
            run[1] = max(run[1], end)
        else:
            run = [start, end]
        marked[run[0]] = run[1]
    parts = [ELLIPSIS] if first > 0 else []
    position = spans[first][0] if first > 0 else 0
    for run_start, run_end in sorted(marked.items()):
        begin, end = spans[run_start][0], spans[run_end][1]
        parts += [text[position:begin], highlight[0], text[begin:end], highlight[1]]
        position = end
    parts.append(text[position : spans[last - 1][1] if last < len(spans) else len(text)])
    if last < len(spans):
        parts.append(ELLIPSIS)
    return "".join(parts)
