"""Forms of the municipalities app, and the address entry every form with an address uses.

Address entry (postal code → municipality)
=========================================

Any form where a person types an address (a workplace, a residence, a municipality's office)
mixes in :class:`AddressFormMixin` and renders its fields with the include
``municipalities/includes/address_fields.html``::

    # forms.py
    from municipalities.forms import AddressFormMixin

    class WorkplaceForm(AddressFormMixin, forms.ModelForm):
        class Meta:
            model = Workplace
            fields = ["name", "postal_code", "address"]

    # views.py
    form = WorkplaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = form.cleaned_data["resolution"]  # a municipalities.services.LookupResult
        create_workplace(..., municipality=result.municipality, ward=result.ward)

    {# template: inside the <form>; the other fields as usual #}
    {% include "municipalities/includes/address_fields.html" with form=form %}

What the person sees:

* Without JavaScript the form is resolved on the server: the first submit shows the municipality
  found ("東京都立川市") and asks to submit again to confirm; an address that fits several
  municipalities (府中市 without a prefecture) lists them as radio buttons, and one must be
  chosen. Nothing is saved until the municipality is confirmed or chosen.
* With JavaScript (``static/js/address.js``, loaded by the include) typing a postal code calls
  ``GET /api/v1/municipalities/lookup``, fills the address with prefecture, city and town, shows
  the municipality and marks it confirmed, so a single submit saves. Several candidates are shown
  as the same radio buttons.

The mixin adds two fields, ``municipality_code`` (the chosen candidate) and
``address_confirmed`` (hidden), and cleans ``postal_code`` to ``"190-0012"``. It defines the
``postal_code`` and ``address`` fields itself when the form has none. Set
``address_required = False`` on a form whose address may stay empty; ``cleaned_data["resolution"]``
is then None for an empty address.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import PREFECTURES, AcceptanceChannel
from .models import MunicipalityProfile
from .services import (
    AmbiguousMunicipality,
    InvalidPostalCode,
    LookupResult,
    MunicipalityResolutionError,
    normalize_postal_code,
    resolve,
)


class AddressFormMixin:
    """Resolve a typed address to its filing municipality, with the person confirming it."""

    address_required = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields  # type: ignore[attr-defined]
        if "postal_code" not in fields:
            fields["postal_code"] = forms.CharField(label=_("郵便番号"), max_length=10, required=False)
        if "address" not in fields:
            fields["address"] = forms.CharField(label=_("住所"), max_length=300)
        fields["address"].required = self.address_required
        fields["postal_code"].widget.attrs.update(
            {
                "data-address-postal": "",
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "placeholder": "190-0012",
            }
        )
        fields["postal_code"].help_text = _("入力すると住所の都道府県・市区町村・町域を補います。")
        fields["address"].widget.attrs.update({"data-address-text": "", "autocomplete": "street-address"})
        fields["municipality_code"] = forms.CharField(label=_("市区町村"), required=False, widget=forms.HiddenInput)
        fields["address_confirmed"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.address_resolution: LookupResult | None = None
        self.address_candidates: list[LookupResult] = []
        self.address_needs_confirmation = False
        if not self.is_bound:  # type: ignore[attr-defined]
            # An address already saved was confirmed when it was saved.
            postal_code = self.initial.get("postal_code", "")  # type: ignore[attr-defined]
            address = self.initial.get("address", "")  # type: ignore[attr-defined]
            if address:
                try:
                    self.address_resolution = resolve(postal_code=postal_code, address=address)
                    self.initial["address_confirmed"] = self.address_resolution.municipality.code  # type: ignore[attr-defined]
                except MunicipalityResolutionError:
                    pass

    def clean_postal_code(self) -> str:
        value = self.cleaned_data.get("postal_code", "")  # type: ignore[attr-defined]
        if not (value or "").strip():
            return ""
        try:
            digits = normalize_postal_code(value)
        except InvalidPostalCode as exc:
            raise ValidationError(exc.message, code="invalid_postal_code") from exc
        return f"{digits[:3]}-{digits[3:]}"

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        cleaned["resolution"] = None
        if "postal_code" in self.errors or "address" in self.errors:  # type: ignore[attr-defined]
            return cleaned
        postal_code, address = cleaned.get("postal_code", ""), cleaned.get("address", "")
        if not self.address_required and not postal_code and not address:
            return cleaned
        chosen = cleaned.get("municipality_code", "")
        try:
            result = resolve(postal_code=postal_code, address=address, municipality_code=chosen or None)
        except AmbiguousMunicipality as exc:
            self.address_candidates = exc.candidates
            self.add_error("municipality_code", exc.message)  # type: ignore[attr-defined]
            return cleaned
        except MunicipalityResolutionError as exc:
            self.add_error("address", exc.message)  # type: ignore[attr-defined]
            return cleaned
        self.address_resolution = result
        confirmed = cleaned.get("address_confirmed", "")
        if result.municipality.code not in (confirmed, chosen):
            self.address_needs_confirmation = True
            self.add_error(  # type: ignore[attr-defined]
                None,
                ValidationError(
                    _("市区町村は「%(name)s」と判定しました。よろしければもう一度送信してください。"),
                    code="confirm_municipality",
                    params={"name": result.label},
                ),
            )
            return cleaned
        cleaned["resolution"] = result
        return cleaned

    @property
    def address_confirmed_value(self) -> str:
        """The value of the hidden confirmation field to render: the municipality just found."""
        if self.address_resolution is not None:
            return self.address_resolution.municipality.code
        return self["address_confirmed"].value() or ""  # type: ignore[index]


class ProfileForm(AddressFormMixin, forms.ModelForm):
    """A municipality's profile. The office's address is optional but, when given, is resolved."""

    address_required = False

    guidance_url = forms.URLField(label=_("協力確認書の案内ページのURL"), required=False, assume_scheme="https")
    online_form_url = forms.URLField(label=_("オンラインフォームのURL"), required=False, assume_scheme="https")

    class Meta:
        model = MunicipalityProfile
        fields = list(MunicipalityProfile.EDITABLE_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("accepts_online_form") and not cleaned.get("online_form_url"):
            self.add_error("online_form_url", _("オンラインフォームで受け付ける場合は、そのURLを入力してください。"))
        return cleaned

    def profile_values(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in MunicipalityProfile.EDITABLE_FIELDS}


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("名称・よみ・団体コード"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("例: 立川、たちかわ、132021"), "class": "form-control"}),
    )
    prefecture = forms.ChoiceField(
        label=_("都道府県"), required=False, choices=[("", _("すべて")), *((p, p) for p in PREFECTURES)]
    )
    channel = forms.ChoiceField(
        label=_("受付方法"), required=False, choices=[("", _("すべて")), *AcceptanceChannel.choices]
    )
    guidance = forms.BooleanField(label=_("協力確認書の案内を公開している市区町村のみ"), required=False)


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("招待する人のメールアドレス"))


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(label=_("氏名"), max_length=100)
    password1 = forms.CharField(
        label=_("パスワード"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("パスワード(確認)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("パスワードが一致しません。"))
        elif first:
            from accounts.models import User

            try:
                someone = User(email=self.email, full_name=cleaned.get("full_name", ""))
                password_validation.validate_password(first, someone)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
