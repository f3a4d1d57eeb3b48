"""The address entry every form uses: resolve, show, confirm, or choose among candidates."""

import pytest
from django import forms

from municipalities.forms import AddressFormMixin

pytestmark = pytest.mark.django_db


class ResidenceForm(AddressFormMixin, forms.Form):
    name = forms.CharField()


class OptionalAddressForm(AddressFormMixin, forms.Form):
    address_required = False


def test_first_submit_shows_the_municipality_and_saves_nothing():
    form = ResidenceForm({"name": "x", "postal_code": "２３１－０００５", "address": "横浜市中区本町6-50-10"})
    assert not form.is_valid()
    assert form.address_needs_confirmation
    assert form.address_resolution.label == "神奈川県横浜市中区"
    assert form.address_confirmed_value == "141003"
    assert "神奈川県横浜市中区" in form.non_field_errors()[0]


def test_confirmed_submit_is_valid():
    data = {"name": "x", "postal_code": "2310005", "address": "横浜市中区本町6-50-10", "address_confirmed": "141003"}
    form = ResidenceForm(data)
    assert form.is_valid(), form.errors
    result = form.cleaned_data["resolution"]
    assert (result.municipality.code, result.ward.code, result.town) == ("141003", "141046", "本町")
    assert form.cleaned_data["postal_code"] == "231-0005"


def test_a_confirmation_of_another_municipality_asks_again():
    data = {"name": "x", "postal_code": "", "address": "東京都練馬区豊玉北6-12-1", "address_confirmed": "141003"}
    form = ResidenceForm(data)
    assert not form.is_valid()
    assert form.address_confirmed_value == "131202"


def test_an_ambiguous_address_must_be_chosen():
    form = ResidenceForm({"name": "x", "address": "府中市宮西町1-1"})
    assert not form.is_valid()
    assert sorted(c.municipality.code for c in form.address_candidates) == ["132063", "342084"]
    assert "選んでください" in form.errors["municipality_code"][0]
    chosen = ResidenceForm({"name": "x", "address": "府中市宮西町1-1", "municipality_code": "342084"})
    assert chosen.is_valid(), chosen.errors  # choosing is confirming
    assert chosen.cleaned_data["resolution"].municipality.code == "342084"


def test_unknown_address_and_malformed_postal_code():
    form = ResidenceForm({"name": "x", "postal_code": "", "address": "どこか"})
    assert not form.is_valid()
    assert "住所から市区町村が分かりませんでした" in form.errors["address"][0]
    form = ResidenceForm({"name": "x", "postal_code": "12-345", "address": "東京都立川市"})
    assert not form.is_valid()
    assert "7桁" in form.errors["postal_code"][0]


def test_an_optional_address_may_stay_empty():
    form = OptionalAddressForm({"postal_code": "", "address": ""})
    assert form.is_valid()
    assert form.cleaned_data["resolution"] is None


def test_a_saved_address_starts_confirmed():
    form = ResidenceForm(initial={"postal_code": "190-0012", "address": "東京都立川市曙町2-1-1"})
    assert form.address_confirmed_value == "132021"


def test_the_include_renders_the_fields_for_the_script(client):
    from django.template.loader import render_to_string

    form = ResidenceForm({"name": "x", "address": "府中市"})
    form.is_valid()
    html = render_to_string("municipalities/includes/address_fields.html", {"form": form})
    assert 'data-lookup-url="/api/v1/municipalities/lookup"' in html
    assert "data-address-postal" in html
    assert 'name="municipality_code"' in html
    assert 'value="342084"' in html
    assert "js/address.js" in html
