"""Privacy: finding identifiers in free text and replacing them with typed placeholders (core).

``recognisers.Scrubber`` is what the HTML report, the anonymised export and the nudge while writing
use. The recognisers live one kind per module: names.py (with lexicon.py, the optional Voikko
lexicon, and wordlists.py), addresses.py, codes.py (HETU, IBAN, business ids, plates), phones.py
and web.py (email, URL).
"""

from encounters_cli.privacy.found import KINDS, Found
from encounters_cli.privacy.recognisers import Recognisers, Scrubber, find_identifiers

__all__ = ["KINDS", "Found", "Recognisers", "Scrubber", "find_identifiers"]
