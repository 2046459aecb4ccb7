"""Email addresses and web addresses."""

from __future__ import annotations

import re

from encounters_cli.privacy.found import EMAIL, URL, Found

# Both are found from their '@', '://', 'www.' or '/' outwards: scanning every word for the start of
# an address costs ten times more.
_LOCAL_PART_REVERSED = re.compile(r"[\w.%+-]+")  # matched on the reversed text before the '@'
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")
_BARE_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}", re.IGNORECASE)
_OPENING = "(<[\"'“‘«"
_URL_PREFIX = re.compile(r"^(?:(?:https?|ftp)://)?(?:www\.)?")
_URL_BODY = re.compile(r"[^\s<>\"'`]+")
_NOT_BEFORE_URL = frozenset("@/.-_")
_URL_TRAILING = ".,;:!?'\")]}»”’"


def _trim_url(url: str) -> str:
    """Leave sentence punctuation and an unmatched closing bracket outside the URL."""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def emails(text: str) -> list[Found]:
    found = []
    at = text.find("@")
    while at != -1:
        local = _LOCAL_PART_REVERSED.match(text[max(0, at - 64) : at][::-1])
        domain = _DOMAIN.match(text, at + 1)
        if local and domain:
            start, end = at - local.end(), domain.end()
            found.append(Found(EMAIL, start, end, text[start:end], text[start:end].casefold()))
            at = end
        at = text.find("@", at + 1)
    return found


def _url_starts(text: str) -> set[int]:
    starts = set()
    for marker in ("://", "www.", "WWW.", "Www."):
        index = text.find(marker)
        while index != -1:
            if marker == "://":
                scheme = text[max(0, index - 5) : index].lower()
                for name in ("https", "http", "ftp"):
                    if scheme.endswith(name):
                        starts.add(index - len(name))
                        break
            else:
                starts.add(index)
            index = text.find(marker, index + 1)
    slash = text.find("/")
    while slash != -1:  # a bare domain with a path: 'example.org/u/123' (not 'kela.fi', not '123/2026')
        if slash and text[slash - 1].isalpha():
            words = text[max(0, slash - 100) : slash].rsplit(None, 1)
            word = words[-1].lstrip(_OPENING) if words else ""
            if word and _BARE_DOMAIN.fullmatch(word):
                starts.add(slash - len(word))
        slash = text.find("/", slash + 1)
    return {
        start
        for start in starts
        if not start or not (text[start - 1].isalnum() or text[start - 1] in _NOT_BEFORE_URL)
    }


def urls(text: str) -> list[Found]:
    found = []
    end = -1
    for start in sorted(_url_starts(text)):
        if start < end:
            continue
        url = _trim_url(_URL_BODY.match(text, start).group())
        if "." not in url:
            continue
        end = start + len(url)
        key = _URL_PREFIX.sub("", url.casefold()).rstrip("/")
        found.append(Found(URL, start, end, url, key))
    return found
