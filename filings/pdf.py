"""The 協力確認書 as a PDF: a view-model, the HTML template and WeasyPrint.

The layout is the Immigration Services Agency's 参考様式 (A4, no seal box, no worker list): the addressee
(``立川市長 殿``) top left, the 令和 date top right, the title, the confirmation sentence and items ① to ⑤.
The ordinary document is one page (18 workplaces on one line each fit, and 10 with long names and
two-line addresses); a longer list of workplaces flows onto continuation pages, which are then all
numbered ``x / y`` and headed 協力確認書（続き）.

How the output is made the same on every machine:

- the font is the bundled BIZ UD Gothic Regular (``static/fonts/``, SIL OFL), declared with ``@font-face``
  in ``static/css/pdf.css`` under a family name of our own, so an installed system font of the same name is
  never picked instead. It is the only face used: each further face (the bold, or BIZ UD Mincho, both
  bundled) is subset and compressed for every document and costs about 6 ms more per PDF;
- every font is embedded and subset; WeasyPrint subsets with HarfBuzz when ``libharfbuzz-subset`` is present
  (see :func:`harfbuzz_subsetting_available`; without it WeasyPrint falls back to fontTools, slower and
  deprecated);
- a character the font lacks (𠮷, emoji) would print as an empty box or in some system font: forms can
  refuse it up front with :func:`unprintable_characters`, and rendering logs a warning;
- resources are fetched by :class:`StaticFilesFetcher`, which serves ``STATIC_URL`` paths from the
  project's static files and refuses every other URL: rendering never touches the network.

The PDF is tagged and declares PDF/UA-1: ``pdf_variant="pdf/ua-1"``, which the installed WeasyPrint (70)
has; should a WeasyPrint without that variant be installed, the first rendering notices and falls back to
``pdf_tags=True`` (tagged, without the PDF/UA claim). Its language is ``ja`` and its title is the document
title (``pdfinfo`` shows ``Tagged: yes``).

WeasyPrint is imported lazily, so importing this module is cheap for code that never renders. In a warm
process a thread keeps its WeasyPrint font configuration, so the fonts are registered once per thread and
not once per document.
"""

from __future__ import annotations

import atexit
import ctypes.util
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

#: The template of the 協力確認書; its context is ``{"document": ConfirmationDocument, "paginated": bool}``.
CONFIRMATION_TEMPLATE = "pdf/confirmation.html"

#: Relative URLs in PDF templates resolve against this origin, which :class:`StaticFilesFetcher` serves
#: from the static files. ``.invalid`` never resolves (RFC 2606), so nothing can leak to the network.
PDF_BASE_URL = "https://pdf.invalid/"

#: The PDF variant we ask WeasyPrint for: tagged and accessible.
PDF_VARIANT = "pdf/ua-1"

#: More workplaces than this never fit on the first page (18 one-line rows do, with every other field
#: filled in). Only a guess to save a layout pass; the page count after layout decides.
ONE_PAGE_WORKPLACES_MAX = 18

#: Static files applied, parsed once per thread, to every PDF template (which therefore links none).
PDF_STYLESHEETS: tuple[str, ...] = ("css/pdf.css",)


@dataclass(frozen=True)
class ConfirmationWorkplace:
    """Item ② of the form, one row: a workplace where Specified Skilled Workers work."""

    name: str
    address: str


@dataclass(frozen=True)
class ConfirmationDocument:
    """Everything printed on one 協力確認書; the template's only data."""

    addressee: str  # "立川市長", "千代田区長", "横浜市長" (see addressee_for)
    date: date
    employer_name: str
    workplaces: tuple[ConfirmationWorkplace, ...] = field(default_factory=tuple)
    contact_department: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


# The last character of a municipality's name for each kind: its head is that name plus 長 (立川市 → 立川市長).
# The keys are municipalities.constants.MunicipalityKind values; plain strings keep this module free of the
# municipalities app.
_NAME_ENDINGS = {
    "city": "市",
    "designated_city": "市",  # 横浜市 → 横浜市長: a filing in one of its wards goes to the city
    "special_ward": "区",  # 千代田区 → 千代田区長
    "town": "町",  # 〇〇町 → 〇〇町長
    "village": "村",  # 〇〇村 → 〇〇村長
}


def addressee_for(name: str, kind: str) -> str:
    """The addressee of a confirmation to the municipality ``name`` of ``kind``: its head, ``立川市長``.

    A designated city's ward (``kind == "ward"``) never receives a confirmation: the filing goes to the
    city, so the caller passes the city (``横浜市``, ``designated_city``) and gets ``横浜市長``.

    :param name: the municipality's name as it is written, ``立川市``, ``千代田区``, ``〇〇町``.
    :param kind: a ``municipalities.constants.MunicipalityKind`` value.
    :raises ValueError: for a ward of a designated city, an unknown kind, or a name that does not end
        as its kind does (``立川`` for a city would otherwise print ``立川長``).
    """
    name = name.strip()
    kind = str(kind)
    if kind == "ward":
        raise ValueError(f"{name} is a ward of a designated city; address the confirmation to the city")
    try:
        ending = _NAME_ENDINGS[kind]
    except KeyError:
        raise ValueError(f"unknown municipality kind: {kind!r}") from None
    if len(name) < 2 or not name.endswith(ending):
        raise ValueError(f"a municipality of kind {kind} has a name ending in {ending}: {name!r}")
    return f"{name}長"


# --- What the font can print --------------------------------------------------------------------------

#: The bundled face everything is printed in (static/css/pdf.css).
PDF_FONT = "fonts/BIZUDGothic-Regular.ttf"


@lru_cache(maxsize=1)
def _printable_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    path = _static_file_path(PDF_FONT)
    if path is None:
        raise FileNotFoundError(PDF_FONT)
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def unprintable_characters(text: str) -> list[str]:
    """The characters of ``text`` that the bundled font cannot draw, each once, in order of appearance.

    BIZ UD Gothic covers JIS X 0213 (髙, 﨑, ①, ㈱ and full-width letters included) but not, for example,
    𠮷 (U+20BB7) or emoji. Such a character would print as an empty box, or in whatever system font happens
    to have it, so forms should refuse it (and suggest the common form, 吉 for 𠮷). Line breaks and tabs
    are not counted.
    """
    printable = _printable_codepoints()
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in printable and char not in "\n\r\t" and char not in seen:
            seen[char] = None
    return list(seen)


def document_unprintable_characters(document: ConfirmationDocument) -> list[str]:
    """:func:`unprintable_characters` of every field printed on the 協力確認書."""
    fields = [
        document.addressee,
        document.employer_name,
        document.contact_department,
        document.contact_name,
        document.contact_phone,
        document.contact_email,
    ]
    for workplace in document.workplaces:
        fields += [workplace.name, workplace.address]
    return unprintable_characters("\n".join(fields))


# --- Rendering --------------------------------------------------------------------------------------


def harfbuzz_subsetting_available() -> bool:
    """True when WeasyPrint subsets fonts with HarfBuzz (``libharfbuzz-subset`` ≥ 4.1 is loaded)."""
    if ctypes.util.find_library("harfbuzz-subset") is None:
        return False
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _static_file_path(path: str) -> Path | None:
    """Where the static file ``path`` (relative to STATIC_URL) is: the static directories, else STATIC_ROOT."""
    found = finders.find(path)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _static_file(path: str) -> tuple[bytes, str] | None:
    """Bytes and MIME type of the static file at ``path`` (relative to STATIC_URL), or None.

    Not cached: WeasyPrint asks for the stylesheet and the fonts once per thread (see ``_stylesheets``).
    """
    found = _static_file_path(path)
    if found is None:
        return None
    mime_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    if found.suffix == ".ttf":
        mime_type = "font/ttf"
    return found.read_bytes(), mime_type


def static_path_for(url: str) -> str | None:
    """The static file path that ``url`` names, or None when it is not a static file URL.

    Accepts URLs under :data:`PDF_BASE_URL` and, when STATIC_URL is absolute (a CDN), under STATIC_URL.
    """
    static_url = settings.STATIC_URL or "/static/"
    if static_url.startswith(("http://", "https://")) and url.startswith(static_url):
        relative = url[len(static_url) :]
    elif url.startswith(PDF_BASE_URL):
        path = "/" + url[len(PDF_BASE_URL) :]
        static_prefix = urlsplit(static_url).path
        if not static_prefix.endswith("/"):
            static_prefix += "/"
        if not path.startswith(static_prefix):
            return None
        relative = path[len(static_prefix) :]
    else:
        return None
    relative = unquote(urlsplit(relative).path)
    # No climbing out of the static directories.
    if not relative or relative.startswith("/") or ".." in Path(relative).parts:
        return None
    return relative


@lru_cache(maxsize=1)
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves static files to WeasyPrint and refuses every other URL (no network, no file:)."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            relative = static_path_for(url)
            found = _static_file(relative) if relative else None
            if found is None:
                raise ValueError(f"not a static file of this project: {url}")
            body, mime_type = found
            headers_out = {"Content-Type": mime_type}
            if mime_type.startswith("text/"):
                headers_out["Content-Type"] = f"{mime_type}; charset=utf-8"
            return URLFetcherResponse(url, body, headers_out)

    return StaticFilesFetcher


def url_fetcher() -> Any:
    """A WeasyPrint URL fetcher serving ``STATIC_URL`` paths from the static files, and nothing else."""
    # Missing resources are a bug in our templates: fail the rendering instead of drawing without them.
    return _fetcher_class()(fail_on_errors=True)


@lru_cache(maxsize=1)
def _write_options() -> dict[str, Any]:
    from weasyprint.pdf import VARIANTS

    if PDF_VARIANT in VARIANTS:
        return {"pdf_variant": PDF_VARIANT}
    return {"pdf_tags": True}


def _static_url(path: str) -> str:
    """The URL under which :class:`StaticFilesFetcher` serves the static file ``path``."""
    static_url = settings.STATIC_URL or "/static/"
    if static_url.startswith(("http://", "https://")):
        return static_url + path
    return PDF_BASE_URL + static_url.lstrip("/") + path


class _RendererState(threading.local):
    # One font configuration per thread: WeasyPrint registers an @font-face file once per configuration,
    # so reusing it saves copying megabytes of fonts for every document; Pango objects are not shared
    # between threads. The parsed stylesheets belong to that configuration.
    font_config: Any = None
    stylesheets: list[Any] | None = None


_state = _RendererState()


@atexit.register
def _release_font_config() -> None:
    # WeasyPrint removes the configuration's temporary font folder when it is collected; at interpreter
    # exit that would run after shutil is gone and print an ignored exception.
    _state.font_config = None
    _state.stylesheets = None


def _font_config() -> Any:
    if _state.font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _state.font_config = FontConfiguration()
        _state.stylesheets = None
    return _state.font_config


def _stylesheets() -> list[Any]:
    font_config = _font_config()
    # Parsed once per thread; under DEBUG on every rendering, so that a CSS edit shows at once.
    if _state.stylesheets is None or settings.DEBUG:
        from weasyprint import CSS

        _state.stylesheets = [
            CSS(url=_static_url(path), url_fetcher=url_fetcher(), font_config=font_config)
            for path in PDF_STYLESHEETS
        ]
    return _state.stylesheets


def _layout(html: str) -> Any:
    from weasyprint import HTML

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=url_fetcher())
    return document.render(font_config=_font_config(), stylesheets=_stylesheets(), **_write_options())


def render_to_pdf(template_name: str, context: dict[str, Any]) -> tuple[str, bytes]:
    """Render ``template_name`` with ``context`` and return the HTML and the PDF bytes.

    The PDF stylesheets (:data:`PDF_STYLESHEETS`) apply to every PDF template, which therefore links
    none itself. Other resources (images) come only from the static files (see :func:`url_fetcher`).
    PDFs are legal documents in Japanese: the template is rendered in Japanese whatever the active language.

    :raises weasyprint.urls.FatalURLFetchingError: when the template refers to a missing static file.
    """
    with translation.override("ja"):
        html = render_to_string(template_name, context)
    return html, _layout(html).write_pdf(**_write_options())


def render_confirmation_html(document: ConfirmationDocument, *, paginated: bool = False) -> str:
    """The HTML of the 協力確認書; ``paginated`` adds page numbers and continuation headers."""
    with translation.override("ja"):
        return render_to_string(
            CONFIRMATION_TEMPLATE,
            {"document": document, "paginated": paginated},
        )


def render_confirmation_pdf(document: ConfirmationDocument) -> bytes:
    """The 協力確認書 as PDF bytes: one A4 page, or numbered pages when the workplaces do not fit on one.

    The output is deterministic: the same document gives the same bytes (the PDF's creation date is the
    document's date, not the time of rendering), so a hash of the bytes identifies the content.
    """
    # Only a document that needs more than one page carries page numbers ("1 / 3"). The page style has to
    # be chosen before layout, so guess from the number of workplaces and lay out again if the guess was
    # wrong: a long list is laid out once, and so is the ordinary one-page document.
    if unprintable := document_unprintable_characters(document):
        logger.warning("協力確認書 with characters the bundled font lacks: %s", " ".join(unprintable))
    paginated = len(document.workplaces) > ONE_PAGE_WORKPLACES_MAX
    rendered = _layout(render_confirmation_html(document, paginated=paginated))
    if (len(rendered.pages) > 1) != paginated:
        rendered = _layout(render_confirmation_html(document, paginated=not paginated))
    return rendered.write_pdf(**_write_options())


def sample_document(workplaces: int = 3, *, on: date | None = None) -> ConfirmationDocument:
    """A realistic 協力確認書 for previews, the sample command and the benchmark (no database).

    :param workplaces: how many workplaces item ② lists.
    :param on: the document's date; 2026-11-22 by default, so that the sample is reproducible.
    """
    towns = ("泉町", "錦町", "柴崎町", "曙町", "高松町", "砂川町", "幸町", "栄町", "若葉町", "上砂町")
    return ConfirmationDocument(
        addressee=addressee_for("立川市", "city"),
        date=on or date(2026, 11, 22),
        employer_name="株式会社サンプル製作所",
        workplaces=tuple(
            ConfirmationWorkplace(
                name=f"第{i + 1}工場" if i % 3 else f"立川第{i + 1}製造所（精密加工部門）",
                address=f"東京都立川市{towns[i % len(towns)]}{i % 5 + 1}丁目{i + 2}番{i % 9 + 1}号",
            )
            for i in range(workplaces)
        ),
        contact_department="総務部 人事課",
        contact_name="佐藤 花子",
        contact_phone="042-000-0000",
        contact_email="sato@example.jp",
    )
