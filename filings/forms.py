"""Forms of the employer's pages, and the input helpers they share with the roster import.

Employers type digits in full width, dates with slashes or in the 令和 era, and postal codes with or
without a hyphen: everything here accepts all of those and answers bad input in Japanese.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.constants import OrganizationRole
from accounts.text import corporate_number_check_digit, normalize_text
from municipalities.forms import AddressFormMixin

from .services import ORGANIZATION_FIELDS

# --- Input normalisation --------------------------------------------------------------------



def normalize_postal_code(value: str | None) -> str:
    """``１９０－００１２``, ``190-0012`` and ``〒1900012`` all become ``1900012``; other input is returned
    normalised but unchanged in length so that the caller can reject it."""
    text = normalize_text(value).replace("〒", "").replace(" ", "")
    digits = text.replace("-", "")
    return digits


def format_postal_code(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 and digits.isdigit() else digits


def validate_postal_code(value: str) -> str:
    digits = normalize_postal_code(value)
    if not re.fullmatch(r"\d{7}", digits):
        raise ValidationError(_("郵便番号は7桁の数字で入力してください(例: 190-0012)。"), code="postal_code")
    return digits


# --- Dates ----------------------------------------------------------------------------------

#: Start of each era a living person's dates may be written in.
ERAS = {
    "令和": datetime.date(2019, 5, 1),
    "平成": datetime.date(1989, 1, 8),
    "昭和": datetime.date(1926, 12, 25),
}
_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}

_ISO_LIKE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_ERA_DATE = re.compile(r"^(令和|平成|昭和|[RHS])\s*(\d{1,2}|元)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: str | datetime.date | datetime.datetime | None) -> datetime.date | None:
    """Read a date as employers write it; ``None`` for an empty value.

    Accepts ``2026-12-15``, ``2026/12/15``, ``2026.12.15``, ``20261215``, ``2026年12月15日``,
    ``令和8年12月15日`` (also ``R8.12.15`` and 元年), in half- or full-width digits.

    :raises ValueError: with a Japanese message for anything else or for a date that does not exist.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalize_text(value).upper()
    if not text:
        return None
    match = _ISO_LIKE.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _ERA_DATE.match(text)
        if not match:
            raise ValueError(_("日付は 2026-12-15、2026/12/15 または 令和8年12月15日 の形で入力してください。"))
        era, era_year, month_text, day_text = match.groups()
        era = _ERA_LETTERS.get(era, era)
        year = ERAS[era].year + (1 if era_year == "元" else int(era_year)) - 1
        month, day = int(month_text), int(day_text)
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(_("存在しない日付です。")) from exc


class JapaneseDateField(forms.DateField):
    """A date typed as ``2026-12-15``, ``2026/12/15``, ``令和8年12月15日``, in half- or full-width digits."""

    widget = forms.TextInput(attrs={"placeholder": "2026-12-15", "inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value


# --- 法人番号 ---------------------------------------------------------------------------------


def validate_corporate_number(value: str) -> str:
    """Return the 13-digit 法人番号 (full-width digits and hyphens accepted) or raise in Japanese."""
    digits = normalize_text(value).replace("-", "").replace(" ", "")
    if not re.fullmatch(r"\d{13}", digits):
        raise ValidationError(_("法人番号は13桁の数字で入力してください。"), code="corporate_number_format")
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise ValidationError(
            _("法人番号の検査用数字(先頭の1桁)が一致しません。番号をご確認ください。"), code="corporate_number_check"
        )
    return digits


def validate_phone(value: str) -> str:
    text = normalize_text(value).replace(" ", "")
    if not re.fullmatch(r"\+?[\d-]{10,15}", text) or sum(c.isdigit() for c in text) < 10:
        raise ValidationError(_("電話番号は市外局番から数字で入力してください(例: 042-000-0000)。"), code="phone")
    return text


# --- Form fields ----------------------------------------------------------------------------


class NormalizedCharField(forms.CharField):
    """Text whose full-width digits, letters and spaces become half width."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if value else value


class PostalCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("郵便番号"))
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": "190-0012", "inputmode": "numeric", "autocomplete": "postal-code"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return format_postal_code(validate_postal_code(value)) if value else value


class CorporateNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("法人番号(13桁)"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("個人事業主の方は空欄のままで構いません。"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return validate_corporate_number(value) if value else value


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("電話番号"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return validate_phone(value) if value else value


# --- The organisation -----------------------------------------------------------------------

_REQUIRED = {"required": _("入力してください。")}


class OrganizationForm(AddressFormMixin, forms.Form):
    """What is printed on every 協力確認書 about the employer: name, address and contact (①③④⑤).

    The address is entered like every other address (postal code first, municipality confirmed).
    """

    name = NormalizedCharField(label=_("名称(法人名または屋号)"), max_length=200, error_messages=_REQUIRED)
    corporate_number = CorporateNumberField()
    address = NormalizedCharField(label=_("所在地(都道府県から)"), max_length=300, error_messages=_REQUIRED)
    representative_name = NormalizedCharField(label=_("代表者氏名"), max_length=100, error_messages=_REQUIRED)
    contact_department = NormalizedCharField(label=_("担当部署"), max_length=100, error_messages=_REQUIRED)
    contact_name = NormalizedCharField(label=_("担当者氏名"), max_length=100, error_messages=_REQUIRED)
    contact_phone = PhoneField(error_messages=_REQUIRED)
    contact_email = forms.EmailField(
        label=_("担当者メールアドレス"),
        error_messages={**_REQUIRED, "invalid": _("メールアドレスの形式が正しくありません。")},
    )

    FIELDS = ORGANIZATION_FIELDS

    @classmethod
    def initial_for(cls, organization) -> dict:
        return {name: getattr(organization, name, "") for name in cls.FIELDS}

    def changed_values(self, organization) -> dict:
        """Only the fields whose value differs from ``organization``'s."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.FIELDS and (value or "") != (getattr(organization, name, "") or "")
        }


# --- Staff invitations ----------------------------------------------------------------------


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("招待する方のメールアドレス"),
        error_messages={**_REQUIRED, "invalid": _("メールアドレスの形式が正しくありません。")},
    )
    role = forms.ChoiceField(
        label=_("役割"),
        choices=OrganizationRole.choices,
        initial=OrganizationRole.STAFF,
        help_text=_("代表者と職員は協力確認書を提出できます。閲覧のみの方は提出できません。"),
    )


# --- Address (workplace and residence) ------------------------------------------------------
#
# The address entry is the municipalities app's: ``AddressFormMixin`` resolves postal code and
# address to the filing municipality, shows it and has it confirmed (or chosen among candidates)
# before anything is saved; ``cleaned_data["resolution"]`` is the confirmed result. Templates render
# it with ``municipalities/includes/address_fields.html``.


class WorkplaceForm(AddressFormMixin, forms.Form):
    name = NormalizedCharField(label=_("事業所名"), max_length=200, error_messages=_REQUIRED)
    postal_code = PostalCodeField(required=False)
    address = NormalizedCharField(label=_("所在地(都道府県から)"), max_length=300, error_messages=_REQUIRED)
    closed_on = JapaneseDateField(
        label=_("閉鎖日"), required=False, help_text=_("事業所を閉鎖した場合のみ入力します。")
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["closed_on"]


class ResidenceForm(AddressFormMixin, forms.Form):
    """A worker's residence (住居地); used with ``prefix="residence"`` beside :class:`WorkerForm`."""

    postal_code = PostalCodeField(label=_("住居地の郵便番号"), required=False)
    address = NormalizedCharField(label=_("住居地(都道府県から)"), max_length=300, error_messages=_REQUIRED)


class WorkerForm(forms.Form):
    """A new worker: only the personal data the filing needs. The residence is a ResidenceForm."""

    name = NormalizedCharField(label=_("氏名"), max_length=200, error_messages=_REQUIRED)
    nationality = NormalizedCharField(label=_("国籍・地域"), max_length=100, error_messages=_REQUIRED)
    workplace = forms.ModelChoiceField(
        label=_("勤務する事業所"),
        queryset=None,
        error_messages={
            "required": _("事業所を選んでください。"),
            "invalid_choice": _("事業所を選び直してください。"),
        },
    )
    status = forms.ChoiceField(label=_("状況"), choices=())
    residence_card_expiry = JapaneseDateField(label=_("在留カードの有効期限"), required=False)

    def __init__(self, *args, workplaces, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
        self.fields["status"].choices = status_choices


class WorkerChangeForm(WorkerForm):
    """A change to a worker: transfer, move or status, effective on a date."""

    effective_on = JapaneseDateField(
        label=_("変更日"), required=False, help_text=_("空欄の場合は今日の日付で記録します。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Name and nationality are kept as registered; the filing never changes them.
        for name in ("name", "nationality"):
            del self.fields[name]


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("申請の種類"), choices=())
    planned_date = JapaneseDateField(label=_("申請予定日"), error_messages=_REQUIRED)

    def __init__(self, *args, kind_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices


class SubmissionForm(forms.Form):
    """How and when a 協力確認書 was sent to the municipality."""

    method = forms.ChoiceField(label=_("提出方法"), choices=())
    submitted_on = JapaneseDateField(label=_("提出日"), error_messages=_REQUIRED)

    def __init__(self, *args, method_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = method_choices


class ConfirmationCreateForm(forms.Form):
    municipality_code = forms.CharField(widget=forms.HiddenInput)

    def clean_municipality_code(self):
        code = normalize_text(self.cleaned_data["municipality_code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("市区町村コードは6桁の数字です。"), code="municipality_code")
        return code


# --- Roster import --------------------------------------------------------------------------

ROSTER_MAX_BYTES = 20 * 1024 * 1024


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("名簿ファイル(CSV または Excel .xlsx)"),
        error_messages={"required": _("ファイルを選んでください。"), "empty": _("ファイルが空です。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("CSV(.csv)または Excel(.xlsx)のファイルを選んでください。"), code="file_type")
        if upload.size > ROSTER_MAX_BYTES:
            raise ValidationError(_("ファイルが大きすぎます(20MB まで)。"), code="file_size")
        return upload


class ApplicationStateForm(forms.Form):
    """An application filed, granted or refused, on a date."""

    state = forms.ChoiceField(label=_("状態"), choices=())
    on = JapaneseDateField(label=_("日付"), required=False, help_text=_("空欄の場合は今日の日付で記録します。"))

    def __init__(self, *args, state_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = state_choices
