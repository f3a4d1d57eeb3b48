"""The council body (製造業特定技能外国人材受入れ協議・連絡会) and its member categories."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.text import normalize_text

from .constants import (
    JOINABLE_CATEGORY,
    Area,
    Attendance,
    CirculationAnswer,
    ConveneScope,
    MeetingKind,
    MeetingStatus,
    MemberCategoryCode,
    RequestKind,
    RequestStatus,
    Topic,
    WithheldGround,
)


class MemberCategory(models.Model):
    """One item of Art. 2 of the 運営要領. Seeded by a data migration; never created by hand."""

    code = models.CharField(_("区分コード"), max_length=32, choices=MemberCategoryCode.choices, unique=True)
    number = models.PositiveSmallIntegerField(_("号"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("説明"), blank=True)

    class Meta:
        verbose_name = _("構成員の区分")
        verbose_name_plural = _("構成員の区分")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"({self.number}) {self.name}"

    @property
    def accepts_join_requests(self) -> bool:
        return self.code == JOINABLE_CATEGORY


class Meeting(models.Model):
    """A council meeting (Art. 5), or the agenda circulated in writing instead (Art. 5(4)).

    Public by default (Art. 7(1)). A closed meeting carries its reason, or, when publishing the
    reason would itself cause one of the harms of Art. 7(2), the ground that applies; the public then
    sees only that the reason is withheld.
    """

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("開催方法"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.MEETING)
    status = models.CharField(
        _("状態"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    ends_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=300, blank=True)
    online_url = models.URLField(_("オンライン会議のURL"), blank=True)
    scope = models.CharField(_("招集の範囲"), max_length=20, choices=ConveneScope.choices, default=ConveneScope.ALL)
    response_deadline = models.DateTimeField(
        _("回答期限"), null=True, blank=True, help_text=_("書面・電子メールによる回覧で、了承又は意見の期限。")
    )
    is_public = models.BooleanField(_("公開"), default=True)
    closed_reason = models.TextField(_("非公開の理由"), blank=True)
    reason_withheld = models.BooleanField(
        _("非公開の理由を公表しない"),
        default=False,
        help_text=_("理由を公表すること自体が第7条第2項のおそれに当たると主宰者が判断した場合。"),
    )
    withheld_ground = models.CharField(
        _("理由を公表しない根拠"), max_length=32, choices=WithheldGround.choices, blank=True
    )
    public_minutes = models.TextField(_("議事概要(公開)"), blank=True)
    full_minutes = models.TextField(_("議事録(構成員・事務局限り)"), blank=True)
    outcome = models.TextField(_("結果"), blank=True)
    convened_at = models.DateTimeField(_("招集日時"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("終了日時(記録)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("作成者"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("終了日時は開始日時より後にしてください。")
        if not self.is_public:
            if self.reason_withheld and not self.withheld_ground:
                errors["withheld_ground"] = _(
                    "理由を公表しない場合は、第7条第2項のどの根拠に当たるかを選んでください。"
                )
            if not self.reason_withheld and not self.closed_reason.strip():
                errors["closed_reason"] = _("非公開とする場合は、公表する理由を記入してください。")
        if self.kind == MeetingKind.WRITTEN and not self.response_deadline:
            errors["response_deadline"] = _("書面・電子メールによる回覧には回答期限が必要です。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_written(self) -> bool:
        return self.kind == MeetingKind.WRITTEN

    @property
    def is_visible_to_public(self) -> bool:
        """Drafts are the secretariat's; everything convened or circulated is listed publicly (Art. 7)."""
        return self.status != MeetingStatus.DRAFT

    @property
    def public_reason(self) -> str:
        """What the public page says about a closed meeting's reason."""
        if self.is_public:
            return ""
        if self.reason_withheld:
            return str(
                _("非公開の理由は、公表することにより運営要領第7条第2項に掲げるおそれがあるため、公表しません。")
            )
        return self.closed_reason


class AgendaItem(models.Model):
    """One item of a meeting's agenda, tagged with the Art. 6 topics it concerns."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("順番"), default=1)
    title = models.CharField(_("議題"), max_length=300)
    description = models.TextField(_("説明"), blank=True)
    topics = models.JSONField(_("第6条の協議事項"), default=list, blank=True)

    class Meta:
        verbose_name = _("議題")
        verbose_name_plural = _("議題")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        valid = set(Topic.values)
        if not isinstance(self.topics, list) or any(topic not in valid for topic in self.topics):
            raise ValidationError({"topics": _("第6条の協議事項から選んでください。")})

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[topic]) for topic in self.topics if topic in labels]


class Material(models.Model):
    """A document of a meeting. Public materials of a public meeting are on the public page."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("資料名"), max_length=300)
    file = models.FileField(_("ファイル"), upload_to="council/materials/%Y/%m/")
    is_public = models.BooleanField(_("公開"), default=True)
    order = models.PositiveSmallIntegerField(_("順番"), default=1)
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("資料")
        verbose_name_plural = _("資料")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """A member or a guest invited to a meeting or asked to answer a written circulation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="council_invitations",
        verbose_name=_("構成員"),
    )  # fmt: skip
    guest_name = models.CharField(_("招へい者の氏名"), max_length=200, blank=True)
    guest_organization = models.CharField(_("招へい者の所属"), max_length=200, blank=True)
    guest_email = models.EmailField(_("招へい者のメールアドレス"), blank=True)
    attendance = models.CharField(_("出欠"), max_length=20, choices=Attendance.choices, default=Attendance.PENDING)
    attendance_replied_at = models.DateTimeField(_("出欠の回答日時"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送付日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("招集・招へい")
        verbose_name_plural = _("招集・招へい")
        ordering = ["meeting", "member__category__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="unique_invitation_per_member"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(guest_email=""),
                name="invitation_member_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_guest(self) -> bool:
        return self.member_id is None

    @property
    def display_name(self) -> str:
        if self.member_id:
            return self.member.name
        suffix = f"({self.guest_organization})" if self.guest_organization else ""
        return f"{self.guest_name}{suffix}"

    def recipients(self) -> list[str]:
        if self.member_id is None:
            return [self.guest_email]
        member = self.member
        return sorted({member.contact_email, member.user.email if member.user_id else ""} - {""})


class CirculationResponse(models.Model):
    """A participant's acknowledgement of, or opinion on, a written circulation (Art. 5(4))."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    answer = models.CharField(_("回答"), max_length=20, choices=CirculationAnswer.choices)
    opinion = models.TextField(_("意見"), blank=True)
    responded_at = models.DateTimeField(_("回答日時"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("回答者")
    )

    class Meta:
        verbose_name = _("回覧への回答")
        verbose_name_plural = _("回覧への回答")
        ordering = ["invitation", "pk"]

    def __str__(self) -> str:
        return f"{self.invitation}: {self.get_answer_display()}"


#: A JSIC code: 中分類 2 digits, 小分類 3, 細分類 4.
_JSIC_CODE = re.compile(r"[0-9]{2,4}")


def validate_jsic_code(value: str) -> None:
    """A JSIC (日本標準産業分類) code: 2 to 4 ASCII digits, once full-width digits are normalised."""
    if not _JSIC_CODE.fullmatch(normalize_text(value)):
        raise ValidationError(
            _("日本標準産業分類のコードは、数字2〜4桁(中分類は2桁、小分類は3桁、細分類は4桁)で入力してください。"),
            code="invalid_jsic_code",
        )


class IndustryClass(models.Model):
    """One class of the 日本標準産業分類 (JSIC) whose employers the council may ask a registered
    corporation to make take the measures it agreed (Art. 3(2)).

    The configurable list of Art. 3(2): the secretariat adds classes in the admin and deactivates
    them instead of deleting them, so that the requests that named them keep them.
    """

    code = models.CharField(
        _("分類コード"), max_length=4, unique=True, validators=[validate_jsic_code],
        help_text=_("日本標準産業分類のコード。中分類は2桁、小分類は3桁、細分類は4桁。"),
    )  # fmt: skip
    name = models.CharField(_("分類名"), max_length=200, help_text=_("例: 金属製品製造業"))
    is_active = models.BooleanField(
        _("有効"),
        default=True,
        help_text=_("外すと、新しい依頼では選べなくなります。過去の依頼の表示は変わりません。"),
    )

    class Meta:
        verbose_name = _("対象業種(日本標準産業分類)")
        verbose_name_plural = _("対象業種(日本標準産業分類)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """「2194 金属製品製造業」: the code, then the name."""
        return f"{self.code} {self.name}"

    def clean_fields(self, exclude=None) -> None:
        # Full-width digits (２１９４) and stray spaces are what people type; the code is stored half-width.
        self.code = normalize_text(self.code)
        self.name = normalize_text(self.name) if self.name else self.name
        super().clean_fields(exclude=exclude)


class CorporationRequest(models.Model):
    """The council's request to a category-3 member about named employers (Art. 3(1)), or to make
    the employers in the chosen JSIC classes take the measures the council agreed (Art. 3(2))."""

    member = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, related_name="council_requests", verbose_name=_("登録法人")
    )
    kind = models.CharField(_("依頼の種類"), max_length=20, choices=RequestKind.choices)
    employers = models.ManyToManyField(
        "accounts.Organization", blank=True, related_name="+", verbose_name=_("対象の特定技能所属機関")
    )
    employer_names = models.TextField(
        _("対象の特定技能所属機関(ポータル未登録)"), blank=True, help_text=_("1行に1機関。")
    )
    industries = models.ManyToManyField(
        IndustryClass, blank=True, related_name="requests", verbose_name=_("対象の業種(日本標準産業分類)"),
        help_text=_("合意した措置の実施(第3条第2項)の依頼でだけ指定します。"),
    )  # fmt: skip
    description = models.TextField(_("依頼の内容"))
    deadline = models.DateField(_("回答期限"))
    status = models.CharField(
        _("状態"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SENT, db_index=True
    )
    answer = models.TextField(_("回答"), blank=True)
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("回答者"),
    )  # fmt: skip
    outcome = models.TextField(_("結果"), blank=True)
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("依頼者")
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    #: One per blank form: the same form sent twice (double click, reload) finds the first request.
    submission_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("登録法人への依頼")
        verbose_name_plural = _("登録法人への依頼")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_kind_display()} ({self.deadline:%Y-%m-%d})"

    def employer_labels(self) -> list[str]:
        names = [employer.name for employer in self.employers.all()]
        names += [line.strip() for line in self.employer_names.splitlines() if line.strip()]
        return names

    def industry_labels(self) -> list[str]:
        return [industry.label for industry in self.industries.all()]


class Violation(models.Model):
    """A violation found in a report or an inspection (Arts. 3(3), 12).

    Seen only by the secretariat and the users of the 制度関係機関 it was handed to.
    """

    title = models.CharField(_("件名"), max_length=300)
    description = models.TextField(_("内容"))
    employer = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("特定技能所属機関"),
    )  # fmt: skip
    employer_name = models.CharField(_("特定技能所属機関(ポータル未登録)"), max_length=200, blank=True)
    found_on = models.DateField(_("把握した日"))
    source_request = models.ForeignKey(
        CorporationRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="violations",
        verbose_name=_("端緒となった依頼"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録者")
    )
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("違反")
        verbose_name_plural = _("違反")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def employer_label(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name


class ViolationHandoff(models.Model):
    """A violation handed to one 制度関係機関 (a category-2 member), with when and by whom (Art. 12)."""

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="handoffs")
    agency = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, related_name="council_violation_handoffs",
        verbose_name=_("制度関係機関"),
    )  # fmt: skip
    handed_at = models.DateTimeField(_("引継ぎ日時"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("引継ぎ者")
    )
    note = models.TextField(_("備考"), blank=True)

    class Meta:
        verbose_name = _("違反の引継ぎ")
        verbose_name_plural = _("違反の引継ぎ")
        ordering = ["violation", "handed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["violation", "agency"], name="unique_handoff_per_agency")]

    def __str__(self) -> str:
        return f"{self.violation} → {self.agency}"


class MonthlyStatistic(models.Model):
    """Active workers at the end of one month in one area: the stored history of the trend chart.

    Written only by :func:`council.statistics.refresh_monthly_statistics` (the periodic task), which
    recomputes the whole window from the status history; the pages read these rows instead of
    the history, and take the current month from the live counts.
    """

    month = models.DateField(_("月"), help_text=_("その月の1日。"))
    area = models.CharField(_("地域"), max_length=20, choices=Area.choices)
    workers = models.PositiveIntegerField(_("月末の就労中の人数"))
    computed_at = models.DateTimeField(_("集計日時"))

    class Meta:
        verbose_name = _("月別の集計")
        verbose_name_plural = _("月別の集計")
        ordering = ["month", "area"]
        constraints = [models.UniqueConstraint(fields=["month", "area"], name="unique_monthly_statistic")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_area_display()}: {self.workers}"
