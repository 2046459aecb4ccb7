"""Privacy: finding identifiers in free text and replacing them with typed placeholders (core, stdlib only).

``recognisers.Scrubber`` is what the HTML report uses today, and what the anonymised export and the
nudge while writing build on.
"""

from encounters_cli.privacy.recognisers import Found, Scrubber, find_identifiers

__all__ = ["Found", "Scrubber", "find_identifiers"]
