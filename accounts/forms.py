from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途(例: 人事システム連携)"),
        max_length=100,
        error_messages={"required": _("用途を入力してください。")},
    )
