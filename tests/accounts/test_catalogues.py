"""The English catalogue translates every text of the portal: an English reader meets no Japanese-only text.

A fuzzy entry (a guess left by makemessages) counts as missing, because Django does not use it.
"""

from pathlib import Path

import polib
from django.conf import settings

ENGLISH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(text.strip() for text in entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def test_every_english_entry_is_translated():
    catalogue = polib.pofile(str(ENGLISH))
    entries = [entry for entry in catalogue if not entry.obsolete]
    assert entries, "the English catalogue is empty"
    missing = [_label(entry) for entry in entries if not _translated(entry)]
    assert not missing, f"{len(missing)} English entries without a translation (or fuzzy):\n" + "\n".join(missing)


def test_a_missing_or_fuzzy_entry_is_caught(tmp_path):
    po = polib.POFile()
    po.append(polib.POEntry(msgid="翻訳済み", msgstr="Translated"))
    po.append(polib.POEntry(msgid="未翻訳", msgstr=""))
    po.append(polib.POEntry(msgid="推測", msgstr="Guess", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="行", msgctxt="unit", msgstr=""))
    po.append(polib.POEntry(msgid="%d 件", msgid_plural="%d 件", msgstr_plural={0: "%d item", 1: ""}))
    missing = [_label(entry) for entry in po if not _translated(entry)]
    assert missing == ["未翻訳", "推測", "unit|行", "%d 件"]
