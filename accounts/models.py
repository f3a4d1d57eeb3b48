"""Users, employer organisations with their members' roles, and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import SUBMITTING_ROLES, OrganizationRole


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with the email address; holds any number of roles."""

    username = None
    email = models.EmailField(_("メールアドレス"), unique=True)
    full_name = models.CharField(_("氏名"), max_length=100, blank=True)
    language = models.CharField(
        _("表示言語"), max_length=8, choices=[("ja", "日本語"), ("en", "English")], default="ja"
    )
    receives_optional_email = models.BooleanField(_("お知らせメールを受け取る"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email


class Organization(models.Model):
    """An employer of Specified Skilled Workers (特定技能所属機関).

    Everything printed on a 協力確認書 about the employer lives here: its name and the contact
    (items ①, ③, ④ and ⑤ of the form).
    """

    name = models.CharField(_("名称"), max_length=200)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    representative_name = models.CharField(_("代表者氏名"), max_length=100, blank=True)
    contact_department = models.CharField(_("担当部署"), max_length=100, blank=True)
    contact_name = models.CharField(_("担当者氏名"), max_length=100, blank=True)
    contact_phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    contact_email = models.EmailField(_("メールアドレス"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("特定技能所属機関")
        verbose_name_plural = _("特定技能所属機関")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class OrganizationMembership(models.Model):
    """A user's role in one employer organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organization_memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("役割"), max_length=20, choices=OrganizationRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("所属機関の利用者")
        verbose_name_plural = _("所属機関の利用者")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership_per_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organization} ({self.get_role_display()})"

    @property
    def can_submit(self) -> bool:
        return self.role in SUBMITTING_ROLES


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API, scoped to one organisation. Only its hash is stored."""

    PREFIX = "kkp_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名前"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API トークン")
        verbose_name_plural = _("API トークン")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class AuditLog(models.Model):
    """One row per state change anywhere in the portal (pretix's log_action, Zulip's RealmAuditLog).

    ``action`` is a dotted code such as ``membership.join_request.approved``; ``data`` holds the old
    and new values and the grounds. Rows are never edited or deleted.
    """

    action = models.CharField(_("操作"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("実行者")
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("履歴")
        verbose_name_plural = _("履歴")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class QueuedTask(models.Model):
    """A Celery task to run once the transaction that asked for it has committed (a transactional outbox).

    The row is written in the same transaction as the change that needs the work, so a broker that
    is down loses nothing: the row waits, and the relay sends it when the broker is back. Tasks sent
    this way must tolerate running twice (a crash between sending and recording re-sends).
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: Set while one process is sending the row; a claim older than the lease is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("送信待ちの処理")
        verbose_name_plural = _("送信待ちの処理")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="queuedtask_pending")]

    def __str__(self) -> str:
        return f"{self.task_name} ({'sent' if self.sent_at else 'pending'})"
