"""Normalising what people type, the way Japanese forms expect, and the 法人番号 check digit.

Shared by every app's forms and services, so that full-width digits, the many dash characters and
stray spaces are handled the same everywhere.
"""

import re
import unicodedata

#: Hyphen-like characters people type in addresses, phone numbers and postal codes.
HYPHENS = "‐‑‒–—―−－﹣"
_HYPHEN_TABLE = str.maketrans(dict.fromkeys(HYPHENS, "-"))
#: The long vowel mark: IMEs turn a hyphen typed in kana mode into it ("2ー1ー1"), but it is also a
#: letter of katakana words (センター, マレーシア), so it is a hyphen only next to a digit.
_LONG_VOWEL_NEAR_DIGIT = re.compile(r"(?<=\d)ー|ー(?=\d)")


def normalize_text(value: object) -> str:
    """Full-width digits, letters and spaces to half width (NFKC), hyphens unified, trimmed.

    NFKC leaves kanji such as 髙 and 﨑 untouched, and the long vowel mark stays a letter except
    between digits, so names and katakana words keep their characters.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_HYPHEN_TABLE)
    return _LONG_VOWEL_NEAR_DIGIT.sub("-", text).strip()


def corporate_number_check_digit(base12: str) -> int:
    """The check digit of a 法人番号 for its 12-digit base (会社法人等番号).

    The National Tax Agency's formula: 9 − (Σ Pn × Qn mod 9), Pn the n-th digit counted from the
    right, Qn = 1 for odd n and 2 for even n.
    """
    total = sum(int(digit) * (1 if position % 2 else 2) for position, digit in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def corporate_number_is_valid(number: str) -> bool:
    """法人番号: 13 digits whose first digit is the check digit of the other twelve."""
    return bool(re.fullmatch(r"[0-9]{13}", number)) and int(number[0]) == corporate_number_check_digit(number[1:])
