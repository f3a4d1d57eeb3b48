"""Municipality master data, each municipality's filing profile, its staff and their invitations."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import FILING_KINDS, AcceptanceChannel, MunicipalityKind


class MunicipalityQuerySet(models.QuerySet):
    def filing(self) -> "MunicipalityQuerySet":
        """Municipalities that receive a 協力確認書 themselves (every kind but a designated city's ward)."""
        return self.exclude(kind=MunicipalityKind.WARD)

    def active(self) -> "MunicipalityQuerySet":
        return self.filter(is_active=True)


class Municipality(models.Model):
    """A municipality (市区町村) or a designated city's ward, identified by its 6-digit JIS code.

    Filing targets are every row with ``kind != ward``; a ward points to its city through ``city``.
    Rows are never deleted: a municipality that disappears in a merger is marked inactive so that
    the confirmations sent to it keep their addressee.
    """

    code = models.CharField(_("団体コード"), max_length=6, unique=True)
    prefecture = models.CharField(_("都道府県"), max_length=10)
    name = models.CharField(_("名称"), max_length=50)
    kana = models.CharField(_("よみ"), max_length=100, blank=True)
    kind = models.CharField(_("種別"), max_length=20, choices=MunicipalityKind.choices)
    district = models.CharField(_("郡"), max_length=20, blank=True)
    city = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="wards", verbose_name=_("市")
    )
    guidance_title = models.CharField(
        _("協力確認書の案内ページ"),
        max_length=200,
        blank=True,
        help_text=_("協力確認書について案内を公開している市区町村の、そのページの題名。"),
    )
    is_active = models.BooleanField(_("現存"), default=True)
    retired_at = models.DateTimeField(_("廃止を確認した日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("市区町村")
        verbose_name_plural = _("市区町村")
        ordering = ["code"]
        indexes = [models.Index(fields=["prefecture", "name"]), models.Index(fields=["kana"])]

    def __str__(self) -> str:
        if self.city_id is not None and self.city is not None:
            return f"{self.prefecture}{self.city.name}{self.name}"
        return f"{self.prefecture}{self.name}"

    @property
    def is_filing_target(self) -> bool:
        return self.kind in FILING_KINDS

    @property
    def has_published_guidance(self) -> bool:
        return bool(self.guidance_title)

    @property
    def head_title(self) -> str:
        """The head of the municipality a 協力確認書 is addressed to: 市長, 区長, 町長 or 村長."""
        return {
            MunicipalityKind.SPECIAL_WARD: _("区長"),
            MunicipalityKind.WARD: _("区長"),
            MunicipalityKind.TOWN: _("町長"),
            MunicipalityKind.VILLAGE: _("村長"),
        }.get(self.kind, _("市長"))


class MunicipalityProfile(models.Model):
    """How one municipality receives a 協力確認書: its office, contact and accepted channels.

    Edited by that municipality's staff and by the secretariat; every change is kept in the
    history (``municipalities.profile.updated`` with the old and new values).
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, related_name="profile", verbose_name=_("市区町村")
    )
    department = models.CharField(_("担当課"), max_length=100, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    fax = models.CharField(_("FAX番号"), max_length=30, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    guidance_url = models.URLField(_("協力確認書の案内ページのURL"), blank=True)
    accepts_portal = models.BooleanField(_("ポータルで受け付ける"), default=False)
    accepts_email = models.BooleanField(_("電子メールで受け付ける"), default=False)
    accepts_post = models.BooleanField(_("郵送で受け付ける"), default=False)
    accepts_online_form = models.BooleanField(_("オンラインフォームで受け付ける"), default=False)
    online_form_url = models.URLField(_("オンラインフォームのURL"), blank=True)
    accepts_counter = models.BooleanField(_("窓口で受け付ける"), default=False)
    accepts_fax = models.BooleanField(_("FAXで受け付ける"), default=False)
    issues_receipts = models.BooleanField(_("受領の連絡をする"), default=False)
    notes = models.TextField(_("備考"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("更新者"),
    )  # fmt: skip

    #: The fields a profile edit may change, in display order (the history records exactly these).
    EDITABLE_FIELDS = (
        "department", "email", "phone", "fax", "postal_code", "address", "guidance_url",
        "accepts_portal", "accepts_email", "accepts_post", "accepts_online_form", "online_form_url",
        "accepts_counter", "accepts_fax", "issues_receipts", "notes",
    )  # fmt: skip

    CHANNEL_FIELDS = {
        AcceptanceChannel.PORTAL: "accepts_portal",
        AcceptanceChannel.EMAIL: "accepts_email",
        AcceptanceChannel.POST: "accepts_post",
        AcceptanceChannel.ONLINE_FORM: "accepts_online_form",
        AcceptanceChannel.COUNTER: "accepts_counter",
        AcceptanceChannel.FAX: "accepts_fax",
    }

    class Meta:
        verbose_name = _("市区町村の受付情報")
        verbose_name_plural = _("市区町村の受付情報")

    def __str__(self) -> str:
        return str(self.municipality)

    @property
    def accepted_channels(self) -> list[AcceptanceChannel]:
        """The channels this municipality accepts, in the order of :class:`AcceptanceChannel`."""
        return [channel for channel, field in self.CHANNEL_FIELDS.items() if getattr(self, field)]

    @property
    def is_filled_in(self) -> bool:
        return bool(self.department or self.email or self.phone or self.accepted_channels)


class MunicipalityStaff(models.Model):
    """A user who works for one municipality's responsible office."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="municipality_roles")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="staff")
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("市区町村の担当者")
        verbose_name_plural = _("市区町村の担当者")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="unique_staff_per_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.municipality}"


def hash_invitation_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class StaffInvitation(models.Model):
    """An emailed link that makes its recipient a staff member of one municipality.

    Only the hash of the link's token is stored. An invitation is used once and expires.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="staff_invitations", verbose_name=_("市区町村")
    )
    email = models.EmailField(_("メールアドレス"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("招待した人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("招待日時"), default=timezone.now)
    expires_at = models.DateTimeField(_("有効期限"))
    accepted_at = models.DateTimeField(_("承諾日時"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("承諾した利用者"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("担当者の招待")
        verbose_name_plural = _("担当者の招待")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.municipality}"

    @staticmethod
    def generate_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
