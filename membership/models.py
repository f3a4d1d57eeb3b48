"""Council members and their lifecycle: join requests, change notifications, withdrawal notices.

Rows are never deleted: every decision stays in the table together with the history rows that
``accounts.audit.log_action`` writes for it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import (
    EDITABLE_JOIN_REQUEST_STATUSES,
    PREFECTURE_CHOICES,
    ChangeNotificationStatus,
    ExpulsionGround,
    JoinRequestStatus,
    MemberStatus,
    OrganizationType,
    WithdrawalNoticeStatus,
)


class BodyDetails(models.Model):
    """What a category-4 body files on joining (Art. 8 and the application form) and may change (Art. 9)."""

    organization_type = models.CharField(_("団体の種別"), max_length=32, choices=OrganizationType.choices, blank=True)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("市区町村"),
        help_text=_("地方公共団体の場合、市区町村または都道府県のいずれかを選びます。"),
    )
    prefecture = models.CharField(_("都道府県"), max_length=4, choices=PREFECTURE_CHOICES, blank=True)
    name = models.CharField(_("名称"), max_length=200, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    representative_name = models.CharField(_("代表者氏名"), max_length=100, blank=True)
    contact_department = models.CharField(_("担当部署"), max_length=100, blank=True)
    contact_name = models.CharField(_("担当者氏名"), max_length=100, blank=True)
    contact_email = models.EmailField(_("メールアドレス"), blank=True)
    contact_phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    agrees_with_purpose = models.BooleanField(_("協議・連絡会の目的に賛同する"), default=False)
    cooperation = models.TextField(
        _("情報把握・周知等への協力内容"),
        blank=True,
        help_text=_("協議・連絡会が行う情報の周知及び調査にどのように協力できるか(第3条第2項)。"),
    )

    class Meta:
        abstract = True


class JoinRequest(BodyDetails):
    """A category-4 body's notification to join the council (Art. 8)."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="join_requests", verbose_name=_("届出者")
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=JoinRequestStatus.choices, default=JoinRequestStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    info_request_message = models.TextField(_("事務局からの依頼内容"), blank=True)
    applicant_answer = models.TextField(_("届出者の回答"), blank=True)
    refusal_reason = models.TextField(_("拒否の理由"), blank=True)
    decided_at = models.DateTimeField(_("決定日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("決定者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("入会の届出")
        verbose_name_plural = _("入会の届出")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or str(_("(名称未入力)"))

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_JOIN_REQUEST_STATUSES


class JoinRequestAttachment(models.Model):
    """A PDF attached to a join request. Stored under MEDIA_ROOT, served only to its applicant and the secretariat."""

    join_request = models.ForeignKey(JoinRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("ファイル"), upload_to="membership/join_requests/%Y/%m/")
    original_name = models.CharField(_("ファイル名"), max_length=255)
    size = models.PositiveIntegerField(_("サイズ(バイト)"))
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("添付書類")
        verbose_name_plural = _("添付書類")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Member(BodyDetails):
    """A member of the council in one of the categories of Art. 2."""

    category = models.ForeignKey(
        "council.MemberCategory", on_delete=models.PROTECT, related_name="members", verbose_name=_("区分")
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE, db_index=True
    )
    membership_number = models.CharField(_("構成員番号"), max_length=30, blank=True)
    registration_number = models.CharField(
        _("登録番号"), max_length=30, blank=True, help_text=_("上乗せ基準告示第4条の登録番号(第3号構成員)。")
    )
    registered_on = models.DateField(_("登録日"), null=True, blank=True)
    joined_on = models.DateField(_("入会日"))
    left_on = models.DateField(_("退会・除名の日"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_memberships",
        verbose_name=_("届出を行う利用者"),
    )
    join_request = models.OneToOneField(
        JoinRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("入会の届出"),
    )
    expulsion_ground = models.CharField(_("除名の根拠"), max_length=32, choices=ExpulsionGround.choices, blank=True)
    expulsion_reason = models.TextField(_("除名の理由"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("構成員")
        verbose_name_plural = _("構成員")
        ordering = ["category__number", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership_number"],
                condition=~models.Q(membership_number=""),
                name="unique_membership_number",
            ),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(registration_number=""),
                name="unique_registration_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChangeNotification(models.Model):
    """A category-4 member's notice that what it filed has changed (Art. 9).

    ``changes`` maps each changed field to its new value, ``previous`` to the value at filing time;
    the member row itself changes only from ``effective_on``, once the secretariat acknowledged it.
    """

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="change_notifications")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("届出者")
    )
    status = models.CharField(
        _("状態"),
        max_length=20,
        choices=ChangeNotificationStatus.choices,
        default=ChangeNotificationStatus.SUBMITTED,
        db_index=True,
    )
    changes = models.JSONField(_("変更後"), default=dict)
    previous = models.JSONField(_("変更前"), default=dict)
    effective_on = models.DateField(_("変更日"))
    note = models.TextField(_("備考"), blank=True)
    acknowledged_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認者"),
    )
    applied_at = models.DateTimeField(_("反映日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("届出日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("変更の届出")
        verbose_name_plural = _("変更の届出")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} ({self.effective_on:%Y-%m-%d})"


class WithdrawalNotice(models.Model):
    """A member's notice of withdrawal (Art. 10), confirmed by the secretariat with an effective date."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="withdrawal_notices")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("届出者")
    )
    status = models.CharField(
        _("状態"),
        max_length=20,
        choices=WithdrawalNoticeStatus.choices,
        default=WithdrawalNoticeStatus.SUBMITTED,
        db_index=True,
    )
    reason = models.TextField(_("退会の理由"), blank=True)
    requested_on = models.DateField(_("退会希望日"), null=True, blank=True)
    effective_on = models.DateField(_("退会日"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確定者"),
    )
    created_at = models.DateTimeField(_("届出日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("退会の届出")
        verbose_name_plural = _("退会の届出")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.member)
