"""Forms of the membership journeys and of the secretariat's decisions in the admin."""

import re
import unicodedata
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.constants import MunicipalityKind
from municipalities.forms import AddressFormMixin
from municipalities.models import Municipality
from municipalities.services import InvalidPostalCode, normalize_postal_code

from .constants import CHANGEABLE_FIELDS, MAX_ATTACHMENTS, OrganizationType
from .models import JoinRequest, Member
from .services import JOIN_REQUEST_FIELDS, REQUIRED_ON_SUBMIT, normalize_text
from .validators import pdf_problem

PHONE_RE = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class JapaneseDateField(forms.DateField):
    """Accepts 2026-11-22, 2026/11/22 and full-width digits."""

    widget = DateInput
    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
    default_error_messages = {"invalid": gettext_lazy("日付は 2026-11-22 の形で入力してください。")}

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PdfFilesField(forms.FileField):
    """Any number of PDF files; each is checked by its first bytes and its size."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "application/pdf,.pdf")

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("添付できる書類は%(count)d件までです。") % {"count": MAX_ATTACHMENTS})
        problems = [problem for upload in files if (problem := pdf_problem(upload))]
        if problems:
            raise forms.ValidationError(problems)
        return files


def _clean_phone(value: str) -> str:
    value = normalize_text(value).replace("ー", "-").replace("−", "-")
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(_("電話番号は 03-1234-5678 の形で入力してください。"))
    return value


def _clean_postal_code(value: str) -> str:
    """A postal code as "100-8901", typed with or without hyphen, in full-width digits or not."""
    if not (value or "").strip():
        return ""
    try:
        digits = normalize_postal_code(value)
    except InvalidPostalCode as exc:
        raise forms.ValidationError(exc.message) from exc
    return f"{digits[:3]}-{digits[3:]}"


class JoinRequestForm(AddressFormMixin, forms.ModelForm):
    """The join request (Art. 8). Saving a draft accepts gaps; submitting needs every required item.

    The address is entered like every address in the portal: the postal code fills it in and the
    municipality is confirmed (or chosen) before the request is saved.
    """

    #: A draft may be saved without an address; submitting requires it (REQUIRED_ON_SUBMIT).
    address_required = False

    attachments = PdfFilesField(
        label=gettext_lazy("添付書類(PDF、1ファイル10MBまで)"),
        help_text=gettext_lazy("定款、団体の概要など。複数のファイルを選べます。"),
    )
    applicant_answer = forms.CharField(
        label=gettext_lazy("事務局からの依頼への回答"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    #: One per blank form: a second POST of the same form (double click, reload) finds the first request.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    remove_attachments = forms.MultipleChoiceField(
        label=gettext_lazy("削除する添付書類"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = JoinRequest
        fields = JOIN_REQUEST_FIELDS
        widgets = {
            "organization_type": forms.RadioSelect,
            "cooperation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["organization_type"].choices = OrganizationType.choices
        self.fields["organization_type"].required = False
        self.fields["municipality"].queryset = Municipality.objects.exclude(kind=MunicipalityKind.WARD).filter(
            is_active=True
        )
        self.fields["municipality"].empty_label = _("(選択してください)")
        self.fields["prefecture"].choices = [("", _("(選択してください)")), *self.fields["prefecture"].choices[1:]]
        instance = self.instance
        if instance.pk and instance.attachments.exists():
            self.fields["remove_attachments"].choices = [
                (str(attachment.pk), attachment.original_name) for attachment in instance.attachments.all()
            ]
        else:
            del self.fields["remove_attachments"]
        if not (instance.pk and instance.status == "info_requested"):
            del self.fields["applicant_answer"]
        if instance.pk:
            del self.fields["submission_token"]
        else:
            self.fields["submission_token"].initial = uuid.uuid4()

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean_contact_email(self) -> str:
        return normalize_text(self.cleaned_data.get("contact_email", "")).lower()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("organization_type")
        if kind == OrganizationType.LOCAL_GOVERNMENT:
            if cleaned.get("municipality") and cleaned.get("prefecture"):
                self.add_error("prefecture", _("市区町村と都道府県は、どちらか一方だけを選んでください。"))
            elif self.submitting and not (cleaned.get("municipality") or cleaned.get("prefecture")):
                self.add_error("municipality", _("地方公共団体の場合、市区町村または都道府県を選んでください。"))
        if self.submitting:
            for field in REQUIRED_ON_SUBMIT:
                if field in self.fields and not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, _("提出するにはこの項目が必要です。"))
            if not cleaned.get("agrees_with_purpose"):
                self.add_error("agrees_with_purpose", _("提出するには協議・連絡会の目的への賛同が必要です。"))
            if "applicant_answer" in self.fields and not (cleaned.get("applicant_answer") or "").strip():
                self.add_error("applicant_answer", _("事務局からの依頼への回答を入力してください。"))
        return cleaned

    def model_data(self) -> dict:
        return {field: self.cleaned_data.get(field) for field in JOIN_REQUEST_FIELDS if field in self.cleaned_data}


class ChangeNotificationForm(AddressFormMixin, forms.Form):
    """A category-4 member's change to what it registered (Art. 9), prefilled with the current values.

    The address is entered like every address in the portal; an unchanged one stays confirmed.
    """

    effective_on = JapaneseDateField(label=gettext_lazy("変更日"))
    note = forms.CharField(label=gettext_lazy("備考"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault("initial", {name: getattr(member, name) for name in CHANGEABLE_FIELDS})
        super().__init__(*args, **kwargs)
        self.member = member
        for name in CHANGEABLE_FIELDS:
            if name in ("postal_code", "address"):
                self.fields[name].initial = getattr(member, name)
                continue  # the address entry's own fields
            model_field = Member._meta.get_field(name)
            field = model_field.formfield()
            field.required = name in ("name", "address", "contact_name", "contact_email", "contact_phone")
            if name == "cooperation":
                field.widget = forms.Textarea(attrs={"rows": 3})
            field.initial = getattr(member, name)
            self.fields[name] = field
        self.order_fields([*CHANGEABLE_FIELDS, "effective_on", "note"])
        self.fields["effective_on"].initial = timezone.localdate()

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean_postal_code(self) -> str:
        return _clean_postal_code(self.cleaned_data.get("postal_code", ""))

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in CHANGEABLE_FIELDS}


class WithdrawalNoticeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("退会の理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_on = JapaneseDateField(label=gettext_lazy("退会希望日"), required=False)
    confirm = forms.BooleanField(label=gettext_lazy("協議・連絡会を退会することを届け出ます。"))


# --- Secretariat decisions (admin intermediate pages) -------------------------------------------


class ApproveJoinRequestsForm(forms.Form):
    """Admission of one or more submitted requests: a membership number for each, one date for all."""

    joined_on = JapaneseDateField(label=gettext_lazy("入会日"))

    def __init__(self, *args, join_requests=(), suggested_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = timezone.localdate()
        self.join_requests = list(join_requests)
        suggestions = list(suggested_numbers)
        for index, join_request in enumerate(self.join_requests):
            self.fields[f"number_{join_request.pk}"] = forms.CharField(
                label=_("構成員番号: %(name)s") % {"name": join_request.name},
                max_length=30,
                initial=suggestions[index] if index < len(suggestions) else "",
            )

    def clean(self):
        cleaned = super().clean()
        numbers = {}
        for join_request in self.join_requests:
            key = f"number_{join_request.pk}"
            number = normalize_text(cleaned.get(key) or "")
            if not number:
                continue
            if number in numbers.values():
                self.add_error(key, _("同じ構成員番号が重複しています。"))
            numbers[join_request.pk] = number
            if Member.objects.filter(membership_number=number).exists():
                self.add_error(key, _("構成員番号「%(number)s」は既に使われています。") % {"number": number})
        self.numbers = numbers
        return cleaned


class RefuseJoinRequestsForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("拒否の理由(第8条第2項)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("届出者にメールで通知されます。"),
    )


class RequestInformationForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("届出者への依頼内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("届出者にメールで通知され、届出者は回答して再提出します。"),
    )


class ExpelMembersForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("除名の理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("主宰者の決定の内容。構成員にメールで通知されます。"),
    )
    decided_on = JapaneseDateField(label=gettext_lazy("決定日"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class WithdrawMembersForm(forms.Form):
    effective_on = JapaneseDateField(label=gettext_lazy("退会日"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()


class AcknowledgeChangesForm(forms.Form):
    effective_on = JapaneseDateField(label=gettext_lazy("変更日(届出の日付を変えるときのみ)"), required=False)


class RegisterCorporationForm(AddressFormMixin, forms.Form):
    """A corporation registered under Art. 4 of the 上乗せ基準告示 (category 3).

    The address is optional, and entered like every address in the portal when given.
    """

    address_required = False
    FIELDS = (
        "name",
        "registration_number",
        "registered_on",
        "postal_code",
        "address",
        "representative_name",
        "contact_name",
        "contact_email",
        "contact_phone",
    )

    name = forms.CharField(label=gettext_lazy("法人の名称"), max_length=200)
    registration_number = forms.CharField(label=gettext_lazy("登録番号"), max_length=30)
    registered_on = JapaneseDateField(label=gettext_lazy("登録日"))
    address = forms.CharField(label=gettext_lazy("所在地"), max_length=300, required=False)
    representative_name = forms.CharField(label=gettext_lazy("代表者氏名"), max_length=100, required=False)
    contact_name = forms.CharField(label=gettext_lazy("担当者氏名"), max_length=100, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("メールアドレス"), required=False)
    contact_phone = forms.CharField(label=gettext_lazy("電話番号"), max_length=30, required=False)

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean_registration_number(self) -> str:
        return normalize_text(self.cleaned_data["registration_number"])


class AssignMemberUserForm(forms.Form):
    # A CharField, so that full-width input is normalised before the address is checked.
    email = forms.CharField(
        max_length=254,
        label=gettext_lazy("利用者のメールアドレス"),
        help_text=gettext_lazy("ポータルに登録済みの利用者。変更・退会の届出をこの利用者が行えるようになります。"),
    )

    def clean_email(self):
        from accounts.models import User

        email = normalize_text(self.cleaned_data["email"]).lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("このメールアドレスの利用者は登録されていません。"))
        self.user = user
        return email
