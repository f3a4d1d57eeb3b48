"""Forms of the council pages. Validation of the input only; the rules are in ``services``."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from membership.constants import MemberStatus
from membership.models import Member

from .constants import CirculationAnswer, ConveneScope, MemberCategoryCode, Topic, WithheldGround
from .models import AgendaItem


class AgendaItemAdminForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("第6条の協議事項"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "description", "topics"]


class ConveneForm(forms.Form):
    scope = forms.ChoiceField(label=_("招集の範囲"), choices=ConveneScope.choices, widget=forms.RadioSelect)
    members = forms.ModelMultipleChoiceField(
        label=_("招集する構成員(関係する構成員のみの場合)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guests = forms.CharField(
        label=_("構成員以外の招へい者"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("1行に1名、「氏名, メールアドレス, 所属」の形で入力します(会議のみ)。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.filter(status=MemberStatus.ACTIVE).select_related("category")
        self.fields["members"].label_from_instance = lambda member: f"({member.category.number}) {member.name}"

    def clean_guests(self) -> list[dict]:
        guests = []
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("guests") or "")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("、", ",").split(",")]
            if len(parts) < 2 or not parts[0] or "@" not in parts[1]:
                raise forms.ValidationError(
                    _("%(number)d行目: 「氏名, メールアドレス, 所属」の形で入力してください。") % {"number": number}
                )
            guests.append({"name": parts[0], "email": parts[1], "organization": parts[2] if len(parts) > 2 else ""})
        return guests

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("scope") == ConveneScope.PARTICIPANTS
            and not cleaned.get("members")
            and not cleaned.get("guests")
        ):
            raise forms.ValidationError(_("関係する構成員を1団体以上選んでください。"))
        return cleaned


class PublicityForm(forms.Form):
    is_public = forms.TypedChoiceField(
        label=_("公開・非公開"),
        choices=[("1", _("公開")), ("0", _("非公開"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("非公開の理由(公表する文)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    withhold_reason = forms.BooleanField(
        label=_("理由を公表することにより第7条第2項のおそれがあるため、理由を公表しない"), required=False
    )
    withheld_ground = forms.ChoiceField(
        label=_("該当する第7条第2項の根拠"), choices=[("", "---------"), *WithheldGround.choices], required=False
    )


class AttendanceForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=_("出欠"),
        choices=[("1", _("出席")), ("0", _("欠席"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class CirculationResponseForm(forms.Form):
    answer = forms.ChoiceField(label=_("回答"), choices=CirculationAnswer.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("意見"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == CirculationAnswer.OPINION and not (cleaned.get("opinion") or "").strip():
            self.add_error("opinion", _("意見の内容を入力してください。"))
        return cleaned


class RequestAnswerForm(forms.Form):
    answer = forms.CharField(label=_("回答"), widget=forms.Textarea(attrs={"rows": 6}))


class RequestCloseForm(forms.Form):
    outcome = forms.CharField(label=_("結果"), widget=forms.Textarea(attrs={"rows": 4}))


class HandoffForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("引き継ぐ制度関係機関"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Member.objects.filter(
            status=MemberStatus.ACTIVE, category__code=MemberCategoryCode.AGENCY
        )
