"""The input helpers of the employer's forms: 法人番号, dates and postal codes as people type them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from filings.forms import (
    JapaneseDateField,
    OrganizationForm,
    corporate_number_check_digit,
    normalize_postal_code,
    parse_date,
    validate_corporate_number,
)


@pytest.mark.parametrize(
    "number",
    [
        "7000012050002",  # 国税庁
        "4000012090001",  # 経済産業省
        "７０００ー０１２０５ー０００２",  # full-width digits and a long dash
    ],
)
def test_valid_corporate_numbers_are_accepted(number):
    assert len(validate_corporate_number(number)) == 13


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("8000012050002", "検査用数字"),
        ("700001205000", "13桁"),
        ("70000120500021", "13桁"),
        ("7000O12050002", "13桁"),
    ],
)
def test_invalid_corporate_numbers_are_refused_in_japanese(number, message):
    with pytest.raises(ValidationError) as info:
        validate_corporate_number(number)
    assert message in info.value.messages[0]


def test_check_digit_formula():
    assert corporate_number_check_digit("000012050002") == 7
    assert corporate_number_check_digit("000012090001") == 4


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-15",
        "2026/12/15",
        "２０２６／１２／１５",
        "２０２６－１２－１５",
        "2026年12月15日",
        "令和8年12月15日",
        "R8.12.15",
        "20261215",
        " 2026/12/15 ",
    ],
)
def test_dates_are_read_as_people_write_them(text):
    assert parse_date(text) == datetime.date(2026, 12, 15)


def test_first_year_of_reiwa():
    assert parse_date("令和元年5月1日") == datetime.date(2019, 5, 1)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "来週", "12/15/2026"])
def test_bad_dates_get_a_japanese_message(text):
    field = JapaneseDateField()
    with pytest.raises(ValidationError) as info:
        field.clean(text)
    assert "日付" in info.value.messages[0]


@pytest.mark.parametrize("text", ["190-0012", "1900012", "１９０－００１２", "〒190-0012", "190ー0012"])
def test_postal_codes_are_normalised(text):
    assert normalize_postal_code(text) == "1900012"


def _organization_data(**overrides):
    data = {
        "name": "株式会社サンプル製作所",
        "corporate_number": "",
        "postal_code": "１９０－００１２",
        "address": "東京都立川市曙町2丁目1番1号",
        "address_confirmed": "132021",
        "representative_name": "山田 太郎",
        "contact_department": "総務部",
        "contact_name": "佐藤 花子",
        "contact_phone": "０４２－０００－００００",
        "contact_email": "sato@example.jp",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_organization_form_accepts_a_sole_proprietor_without_corporate_number():
    form = OrganizationForm(_organization_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["corporate_number"] == ""
    assert form.cleaned_data["postal_code"] == "190-0012"
    assert form.cleaned_data["contact_phone"] == "042-000-0000"


@pytest.mark.django_db
def test_organization_form_refuses_a_wrong_check_digit():
    form = OrganizationForm(_organization_data(corporate_number="8000012050002"))
    assert not form.is_valid()
    assert "検査用数字" in form.errors["corporate_number"][0]


@pytest.mark.django_db
def test_the_organisation_address_is_confirmed_like_every_other_address():
    data = _organization_data()
    del data["address_confirmed"]
    form = OrganizationForm(data)
    assert not form.is_valid()
    assert form.address_needs_confirmation
    assert "東京都立川市" in str(form.non_field_errors())
