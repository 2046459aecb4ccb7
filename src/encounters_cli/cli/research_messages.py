"""What the research commands say, in English and Finnish."""

from __future__ import annotations

from encounters_cli.i18n import Texts, translate

MESSAGES: Texts = {
    "merge.done": {
        "en": "Merged {inputs} exports ({participants} participants, {entries} entries) into {folder}:"
        " {files}",
        "fi": "Yhdistettiin {inputs} vientiä ({participants} osallistujaa, {entries} merkintää) kansioon"
        " {folder}: {files}",
    },
    "merge.kanon": {
        "en": "k-anonymity over the merged set (k={k}): {generalised} entries generalised,"
        " {suppressed} left out.",
        "fi": "k-anonymiteetti yhdistetyssä aineistossa (k={k}): {generalised} merkintää yleistettiin,"
        " {suppressed} jätettiin pois.",
    },
    "merge.duplicates": {
        "en": "{count} entries appeared in more than one export and were kept once.",
        "fi": "{count} merkintää oli useammassa viennissä, ja ne säilytettiin kerran.",
    },
    "merge.skipped": {
        "en": "Not written, this version has no writer for it yet: {formats}",
        "fi": "Ei kirjoitettu, koska tässä versiossa ei vielä ole sille kirjoittajaa: {formats}",
    },
    "merge.statement": {
        "en": "The merged data is pseudonymised, not anonymous: about.json says why and how to keep it.",
        "fi": "Yhdistetty aineisto on pseudonymisoitua, ei anonyymiä: about.json kertoo miksi ja miten"
        " sitä säilytetään.",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    return translate(MESSAGES, lang, key, **values)
