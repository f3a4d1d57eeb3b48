"""The 協力確認書 PDF, read back with poppler-utils: pages, fonts, text and ink."""

import ctypes.util
import io
import logging
import re
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from PIL import Image

from filings.pdf import (
    ONE_PAGE_WORKPLACES_MAX,
    ConfirmationDocument,
    ConfirmationWorkplace,
    addressee_for,
    harfbuzz_subsetting_available,
    render_confirmation_pdf,
    render_to_pdf,
    sample_document,
    unprintable_characters,
    url_fetcher,
)

A4_POINTS = "595.276 x 841.89 pts (A4)"
MARGIN_MM = 20  # static/css/pdf.css: @page margin


def run(*command: str, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run([*command, str(path)], check=True, capture_output=True, text=True).stdout


def pdfinfo(data: bytes, tmp_path: Path) -> dict[str, str]:
    out = run("/usr/bin/pdfinfo", data=data, tmp_path=tmp_path)
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def pdftotext(data: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", *pages, str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return out


def flat(text: str) -> str:
    """The text without any whitespace: pdftotext breaks lines and spaces out letter-spaced titles."""
    return re.sub(r"\s+", "", text)


def pages_as_images(data: bytes, tmp_path: Path, dpi: int = 50) -> list[Image.Image]:
    path = tmp_path / "ink.pdf"
    path.write_bytes(data)
    subprocess.run(["/usr/bin/pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")], check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


def ink_box(image: Image.Image, threshold: int = 250) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom) of everything that is not white."""
    return image.point(lambda v: 255 if v < threshold else 0).getbbox()


@pytest.fixture
def document() -> ConfirmationDocument:
    return ConfirmationDocument(
        addressee=addressee_for("立川市", "city"),
        date=date(2026, 11, 22),
        employer_name="株式会社サンプル製作所",
        workplaces=(
            ConfirmationWorkplace("立川工場", "東京都立川市泉町1156番地の9"),
            ConfirmationWorkplace("砂川物流センター", "東京都立川市砂川町八丁目30番"),
            ConfirmationWorkplace("錦町作業所", "東京都立川市錦町三丁目2番1号 第2ビル4階"),
        ),
        contact_department="総務部 人事課",
        contact_name="佐藤 花子",
        contact_phone="042-523-2111",
        contact_email="sato.hanako@sample-seisakusho.example.jp",
    )


@pytest.fixture
def pdf(document) -> bytes:
    return render_confirmation_pdf(document)


# --- Fonts and subsetting ---------------------------------------------------------------------------


def test_harfbuzz_subsetting_is_in_use(caplog, document):
    # Without libharfbuzz-subset WeasyPrint falls back to fontTools: slower by far, and deprecated.
    assert ctypes.util.find_library("harfbuzz-subset"), "install libharfbuzz-subset0"
    assert harfbuzz_subsetting_available()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_confirmation_pdf(document)
    assert not [r for r in caplog.records if "fontTools" in r.getMessage() or "subset" in r.getMessage()]


def test_every_font_is_bundled_embedded_and_subset(pdf, tmp_path):
    out = run("/usr/bin/pdffonts", data=pdf, tmp_path=tmp_path)
    rows = out.splitlines()[2:]
    names = set()
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        # Subset fonts are named ABCDEF+Family; only our own @font-face families, never a system font.
        assert re.fullmatch(r"[A-Z]{6}\+Portal-PDF-Gothic", name), row
        names.add(name.partition("+")[2])
    assert names == {"Portal-PDF-Gothic"}  # one face for everything: each further face costs time


# --- The page -------------------------------------------------------------------------------------------


def test_one_tagged_a4_page(pdf, tmp_path):
    info = pdfinfo(pdf, tmp_path)
    assert info["Pages"] == "1"
    assert info["Page size"] == A4_POINTS
    assert info["Page rot"] == "0"
    assert info["Tagged"] == "yes"  # PDF/UA-1: tagged, with a title and a language
    assert info["PDF version"] == "1.7"
    assert info["Title"] == "協力確認書（立川市長）"
    assert info["Author"] == "株式会社サンプル製作所"


def pdf_objects(data: bytes) -> bytes:
    """Every stream of the PDF, inflated: WeasyPrint compresses the catalog into object streams."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return b"\n".join(out)


def test_declares_pdf_ua_with_language_and_structure(pdf):
    objects = pdf_objects(pdf)
    assert b'pdfuaid:part="1"' in objects  # the PDF/UA-1 claim in the XMP metadata
    assert b"/Lang (ja)" in objects
    assert b"/StructTreeRoot" in objects
    assert b"/MarkInfo <</Marked true>>" in objects
    assert b"/DisplayDocTitle true" in objects


def test_falls_back_to_a_tagged_pdf_without_the_pdf_ua_variant(monkeypatch, document, tmp_path):
    import weasyprint.pdf

    from filings import pdf as renderer

    variants = {k: v for k, v in weasyprint.pdf.VARIANTS.items() if k != "pdf/ua-1"}
    monkeypatch.setattr(weasyprint.pdf, "VARIANTS", variants)
    renderer._write_options.cache_clear()
    try:
        data = render_confirmation_pdf(document)
    finally:
        renderer._write_options.cache_clear()
    assert pdfinfo(data, tmp_path)["Tagged"] == "yes"
    assert b"pdfuaid" not in pdf_objects(data)


def test_every_field_is_in_the_text(pdf, document, tmp_path):
    text = flat(pdftotext(pdf, tmp_path))
    assert "令和8年11月22日" in text
    assert "立川市長殿" in text
    assert "協力確認書" in text
    # The confirmation sentence: cooperate with the municipality's 共生施策 when asked.
    assert "共生施策" in text
    assert "当該要請に応じ、必要な協力をすることを確認します。" in text
    for label in (
        "①特定技能所属機関の名称",
        "②特定技能外国人が活動する事業所の名称及び所在地",
        "③担当部署・担当者",
        "④電話番号",
        "⑤メールアドレス",
    ):
        assert label in text
    assert flat(document.employer_name) in text
    for workplace in document.workplaces:
        assert flat(workplace.name) in text
        assert flat(workplace.address) in text
    for value in (document.contact_department, document.contact_name, document.contact_phone):
        assert flat(value) in text
    assert document.contact_email in text
    # Fields come in the order of the 参考様式.
    order = ["立川市長殿", "協力確認書", "①", "立川工場", "錦町作業所", "③", "④", "⑤", "以上"]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    # One page: no page number.
    assert "1/1" not in text


def test_the_date_is_in_the_upper_right_and_the_addressee_upper_left(pdf, tmp_path):
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["/usr/bin/pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True).stdout
    words = {
        m.group(5): (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(rb'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', out)
    }
    date_x, date_y = words["令和8年11月22日".encode()]
    addressee_x, addressee_y = words["立川市長".encode()]
    assert date_x > 595.276 / 2
    assert date_y < 841.89 / 4
    assert addressee_x < 595.276 / 4
    assert date_y < addressee_y < 841.89 / 4


def test_designated_city_is_addressed_to_its_mayor(document, tmp_path):
    pdf = render_confirmation_pdf(replace(document, addressee=addressee_for("横浜市", "designated_city")))
    text = flat(pdftotext(pdf, tmp_path))
    assert "横浜市長殿" in text
    assert "立川市長" not in text


@pytest.mark.django_db
def test_a_ward_address_is_filed_with_the_designated_city(municipalities_loaded, document, tmp_path):
    from municipalities.models import Municipality

    ward = Municipality.objects.select_related("city").get(code="141046")  # 横浜市中区
    with pytest.raises(ValueError, match="ward of a designated city"):
        addressee_for(ward.name, ward.kind)
    city = ward.city
    pdf = render_confirmation_pdf(replace(document, addressee=addressee_for(city.name, city.kind)))
    assert "横浜市長殿" in flat(pdftotext(pdf, tmp_path))


@pytest.mark.django_db
def test_tokyo_special_ward_and_tachikawa_from_the_master_data(municipalities_loaded):
    from municipalities.models import Municipality

    chiyoda = Municipality.objects.get(code="131016")
    tachikawa = Municipality.objects.get(code="132021")
    assert addressee_for(chiyoda.name, chiyoda.kind) == "千代田区長"
    assert addressee_for(tachikawa.name, tachikawa.kind) == "立川市長"


def test_ten_workplaces_with_long_names_still_fit_on_one_page(document, tmp_path):
    workplaces = tuple(
        ConfirmationWorkplace(
            f"株式会社サンプル製作所 立川第{i}製造所（精密加工部門）",
            f"東京都立川市泉町{i}丁目{i + 10}番{i + 3}号 サンプル立川ビルディング第{i}号館{i}階",
        )
        for i in range(1, 11)
    )
    pdf = render_confirmation_pdf(replace(document, workplaces=workplaces))
    assert pdfinfo(pdf, tmp_path)["Pages"] == "1"
    text = flat(pdftotext(pdf, tmp_path))
    for workplace in workplaces:
        assert flat(workplace.address) in text


def test_many_workplaces_continue_on_numbered_pages(document, tmp_path):
    workplaces = tuple(ConfirmationWorkplace(f"第{i}工場", f"東京都立川市泉町{i}丁目1番1号") for i in range(1, 61))
    pdf = render_confirmation_pdf(replace(document, workplaces=workplaces))
    info = pdfinfo(pdf, tmp_path)
    pages = int(info["Pages"])
    assert pages >= 2
    assert info["Page size"] == A4_POINTS
    first = flat(pdftotext(pdf, tmp_path, page=1))
    assert f"1/{pages}" in first
    assert "協力確認書（続き）" not in first
    assert "立川市長殿" in first
    for page in range(2, pages + 1):
        text = flat(pdftotext(pdf, tmp_path, page=page))
        assert f"{page}/{pages}" in text
        assert "協力確認書（続き）株式会社サンプル製作所" in text
    whole = flat(pdftotext(pdf, tmp_path))
    for workplace in workplaces:
        assert flat(workplace.address) in whole
    # The closing items never sit alone: ⑤ and 以上 are on the same page.
    last = flat(pdftotext(pdf, tmp_path, page=pages))
    assert "以上" in last
    assert "⑤メールアドレス" in last


@pytest.mark.parametrize("count", [ONE_PAGE_WORKPLACES_MAX, ONE_PAGE_WORKPLACES_MAX + 1])
def test_page_numbers_follow_the_real_page_count_around_the_guess(count, document, tmp_path):
    workplaces = tuple(ConfirmationWorkplace(f"第{i}工場", f"立川市泉町{i}番") for i in range(count))
    pdf = render_confirmation_pdf(replace(document, workplaces=workplaces))
    pages = int(pdfinfo(pdf, tmp_path)["Pages"])
    text = flat(pdftotext(pdf, tmp_path))
    if pages == 1:
        assert "1/1" not in text
    else:
        assert f"1/{pages}" in text


# --- No overflow ------------------------------------------------------------------------------------------


def assert_ink_within_margins(images: list[Image.Image], *, numbered: bool) -> None:
    for number, image in enumerate(images, start=1):
        width, height = image.size
        px_per_mm = width / 210
        box = ink_box(image)
        assert box is not None, f"page {number} is blank"
        left, top, right, bottom = box
        # The outermost 5 mm of the sheet are blank on every page (printers cannot print there).
        edge = round(5 * px_per_mm)
        assert edge <= left, (number, box)
        assert edge <= top, (number, box)
        assert right <= width - edge, (number, box)
        assert bottom <= height - edge, (number, box)
        # Everything stays inside the page's content box, give or take a pixel of anti-aliasing; the
        # only exception is the page number and the continuation header, which sit in the margins.
        margin = MARGIN_MM * px_per_mm - 2
        assert margin <= left, (number, box)
        assert right <= width - margin, (number, box)
        if not numbered:
            assert margin <= top, (number, box)
            assert bottom <= height - margin, (number, box)


def test_nothing_is_drawn_outside_the_margins(pdf, tmp_path):
    assert_ink_within_margins(pages_as_images(pdf, tmp_path), numbered=False)


def test_long_unbreakable_values_wrap_instead_of_overflowing(document, tmp_path):
    long = replace(
        document,
        employer_name="ＳＡＭＰＬＥ" * 12 + "株式会社",
        workplaces=(
            ConfirmationWorkplace("W" * 120, "Tokyo-to-Tachikawa-shi-Izumi-cho-1156-9-" * 4),
            ConfirmationWorkplace("立川工場", "東京都立川市泉町" + "１２３４５６７８９０" * 8),
        ),
        contact_department="総務部" * 30,
        contact_phone="0" * 90,
        contact_email="a.very.long.mailbox_name." * 5 + "x@sample.seisakusho.example.jp",
    )
    pdf = render_confirmation_pdf(long)
    assert pdfinfo(pdf, tmp_path)["Pages"] == "1"
    assert_ink_within_margins(pages_as_images(pdf, tmp_path), numbered=False)
    # Wrapped, but whole: pdftotext joins the lines back (it would drop a hyphen at a line end).
    assert long.contact_email in pdftotext(pdf, tmp_path).replace("\n", "")


def test_continuation_pages_stay_within_the_margins(document, tmp_path):
    workplaces = tuple(
        ConfirmationWorkplace(f"第{i}工場" * 3, f"東京都立川市泉町{i}丁目1番1号" * 3) for i in range(1, 41)
    )
    pdf = render_confirmation_pdf(replace(document, workplaces=workplaces))
    images = pages_as_images(pdf, tmp_path)
    assert len(images) >= 2
    assert_ink_within_margins(images, numbered=True)


# --- Behaviour ----------------------------------------------------------------------------------------------


def test_the_same_document_gives_the_same_bytes(document):
    # A hash of the bytes identifies the content: nothing time-dependent is written into the PDF.
    assert render_confirmation_pdf(document) == render_confirmation_pdf(document)
    assert render_confirmation_pdf(document) != render_confirmation_pdf(replace(document, contact_name="鈴木 一郎"))


def test_the_pdf_is_japanese_whatever_the_active_language(document, tmp_path):
    with translation.override("en"):
        pdf = render_confirmation_pdf(document)
    text = flat(pdftotext(pdf, tmp_path))
    assert "令和8年11月22日" in text
    assert "③担当部署・担当者" in text


def test_markup_in_values_is_printed_as_text(document, tmp_path):
    pdf = render_confirmation_pdf(replace(document, employer_name="<b>株式会社</b> A&B"))
    assert "<b>株式会社</b>A&B" in flat(pdftotext(pdf, tmp_path))


def test_a_document_without_workplaces_still_renders(document, tmp_path):
    pdf = render_confirmation_pdf(replace(document, workplaces=()))
    assert pdfinfo(pdf, tmp_path)["Pages"] == "1"


def test_render_to_pdf_returns_the_html_and_the_bytes(document):
    html, data = render_to_pdf("pdf/confirmation.html", {"document": document})
    assert data.startswith(b"%PDF-1.7")
    assert '<html lang="ja">' in html
    assert "<title>協力確認書（立川市長）</title>" in html


def test_unprintable_characters():
    assert unprintable_characters("株式会社髙﨑製作所 ①㈱ＡＢＣ 〒190-0022\n") == []
    assert unprintable_characters("𠮷野😀商店𠮷") == ["𠮷", "😀"]


def test_a_character_the_font_lacks_is_reported_when_rendering(caplog, document, tmp_path):
    with caplog.at_level(logging.WARNING, logger="filings.pdf"):
        pdf = render_confirmation_pdf(replace(document, contact_name="𠮷田 太郎"))
    assert "𠮷" in caplog.text
    assert "𠮷田太郎" in flat(pdftotext(pdf, tmp_path))  # still extractable, drawn as an empty box


# --- The URL fetcher: static files only, never the network ----------------------------------------------------


def test_url_fetcher_serves_static_files():
    response = url_fetcher().fetch("https://pdf.invalid/static/fonts/BIZUDGothic-Regular.ttf")
    assert response.content_type == "font/ttf"
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    css = url_fetcher().fetch("https://pdf.invalid/static/css/pdf.css")
    assert b"@font-face" in css.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/css/pdf.css",
        "file:///etc/passwd",
        "https://pdf.invalid/static/../config/settings/base.py",
        "https://pdf.invalid/static/%2e%2e/manage.py",
        "https://pdf.invalid/media/upload.pdf",
        "https://pdf.invalid/static/css/missing.css",
    ],
)
def test_url_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError, match="not a static file"):
        url_fetcher().fetch(url)


def test_an_absolute_static_url_is_served_locally_too(settings):
    # With static files on a CDN, {% static %} gives absolute URLs; they are still read from disk.
    settings.STATIC_URL = "https://cdn.example.jp/static/"
    response = url_fetcher().fetch("https://cdn.example.jp/static/css/pdf.css")
    assert b"@font-face" in response.read()
    with pytest.raises(ValueError, match="not a static file"):
        url_fetcher().fetch("https://cdn.example.jp/media/upload.pdf")


def test_collected_static_files_are_served_when_the_sources_are_absent(settings, tmp_path):
    # A deployment that ships only the collectstatic output (STATIC_ROOT) still renders.
    source = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"
    (tmp_path / "collected" / "css").mkdir(parents=True)
    (tmp_path / "collected" / "css" / "pdf.css").write_bytes(source.read_bytes())
    (tmp_path / "secret.txt").write_text("not static")
    settings.STATICFILES_DIRS = []
    settings.STATIC_ROOT = str(tmp_path / "collected")
    assert b"@font-face" in url_fetcher().fetch("https://pdf.invalid/static/css/pdf.css").read()
    with pytest.raises(ValueError, match="not a static file"):
        url_fetcher().fetch("https://pdf.invalid/static/%2E%2E/secret.txt")


# --- addressee_for -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("立川市", "city", "立川市長"),
        ("横浜市", "designated_city", "横浜市長"),
        ("千代田区", "special_ward", "千代田区長"),
        ("瑞穂町", "town", "瑞穂町長"),
        ("檜原村", "village", "檜原村長"),
        (" 立川市 ", "city", "立川市長"),
    ],
)
def test_addressee_for(name, kind, expected):
    assert addressee_for(name, kind) == expected


def test_addressee_for_accepts_the_municipality_kind_choices():
    from municipalities.constants import MunicipalityKind

    assert addressee_for("横浜市", MunicipalityKind.DESIGNATED_CITY) == "横浜市長"
    assert addressee_for("千代田区", MunicipalityKind.SPECIAL_WARD) == "千代田区長"


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("中区", "ward", "ward of a designated city"),  # a ward of 横浜市: the filing goes to the city
        ("立川市", "prefecture", "unknown municipality kind"),
        ("立川", "city", "ending in 市"),
        ("千代田区", "city", "ending in 市"),
        ("", "city", "ending in 市"),
        ("町", "town", "ending in 町"),
    ],
)
def test_addressee_for_refuses(name, kind, message):
    with pytest.raises(ValueError, match=message):
        addressee_for(name, kind)


# --- The sample command -----------------------------------------------------------------------------------------


def test_render_sample_pdf_command(tmp_path):
    out = tmp_path / "sample.pdf"
    stdout = io.StringIO()
    call_command("render_sample_pdf", out=str(out), workplaces=25, stdout=stdout)
    data = out.read_bytes()
    assert int(pdfinfo(data, tmp_path)["Pages"]) >= 2
    assert "事業所 25 件" in stdout.getvalue()
    assert flat(sample_document(25).workplaces[24].address) in flat(pdftotext(data, tmp_path))


def test_render_sample_pdf_command_refuses_a_bad_count(tmp_path):
    with pytest.raises(CommandError, match="事業所の数は0から1000までで指定してください"):
        call_command("render_sample_pdf", out=str(tmp_path / "x.pdf"), workplaces=-1)
