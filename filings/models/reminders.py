"""Reminders before visa applications: the windows, the record of each reminder, and opt-outs.

- :class:`ReminderWindow`: how many days before a due date a reminder goes out (30, 14, 7 and 1
  by default), configured by the secretariat in the admin.
- :class:`Reminder`: one digest email (to an employer, or to the secretariat), with what it lists
  and its delivery state.
- :class:`ReminderItem`: the send intent. One row per (organisation, due date, window), per
  (worker, residence card expiry) for the extension window, and per day for the secretariat's
  digest, each guarded by a unique constraint: the row is what makes a reminder go out exactly once.
- :class:`ReminderOptOut`: a representative who turned off due-date reminders (after a warning).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Reminder",
    "ReminderItem",
    "ReminderKind",
    "ReminderOptOut",
    "ReminderStatus",
    "ReminderWindow",
]


class ReminderKind(models.TextChoices):
    DUE = "due", _("提出期限前のリマインダー")
    EXTENSION = "extension", _("在留期間更新前のリマインダー")
    SECRETARIAT = "secretariat", _("事務局向けの未処理届出のお知らせ")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("送信待ち")
    SENDING = "sending", _("送信中")
    SENT = "sent", _("送信済み")
    SKIPPED = "skipped", _("送信不要(提出済み)")
    FAILED = "failed", _("送信失敗")


class ReminderWindow(models.Model):
    """A reminder goes out this many days before a due date (the earliest planned application)."""

    days_before = models.PositiveSmallIntegerField(
        _("期限の何日前"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("リマインダーの時期")
        verbose_name_plural = _("リマインダーの時期")
        ordering = ["-days_before"]

    def __str__(self) -> str:
        return str(_("%(days)d日前") % {"days": self.days_before})


class Reminder(models.Model):
    """One digest email, and whether it went out.

    ``content`` keeps what it lists (municipality codes and due dates, or workers, or join
    requests) and ``recipients`` whom it goes to, each with a language; the email is rendered when
    it is sent.
    """

    kind = models.CharField(_("種類"), max_length=20, choices=ReminderKind.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("所属機関"),
    )
    window_days = models.PositiveSmallIntegerField(_("期限の何日前"), null=True, blank=True)
    run_on = models.DateField(_("基準日"))
    recipients = models.JSONField(_("宛先"), default=list)
    content = models.JSONField(_("内容"), default=dict)
    status = models.CharField(
        _("送信状況"), max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("送信開始日時"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    last_error = models.TextField(_("エラー"), blank=True)

    class Meta:
        verbose_name = _("リマインダー")
        verbose_name_plural = _("リマインダー")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.run_on} ({self.get_status_display()})"


class ReminderItem(models.Model):
    """The send intent: created, under a unique constraint, in the transaction that queues the email."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("種類"), max_length=20, choices=ReminderKind.choices)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey("filings.Worker", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: The due date (due), the residence card expiry (extension) or the day of the digest (secretariat).
    due_date = models.DateField(_("期限"))
    window_days = models.PositiveSmallIntegerField(_("期限の何日前"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("リマインダーの送信記録")
        verbose_name_plural = _("リマインダーの送信記録")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "due_date", "window_days"],
                condition=Q(kind="due"),
                name="filings_reminder_once_per_due_date_and_window",
            ),
            models.UniqueConstraint(
                fields=["worker", "due_date"],
                condition=Q(kind="extension"),
                name="filings_reminder_once_per_card_expiry",
            ),
            models.UniqueConstraint(
                fields=["due_date"],
                condition=Q(kind="secretariat"),
                name="filings_reminder_one_secretariat_digest_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date} {self.window_days or ''}"


class ReminderOptOut(models.Model):
    """A representative turned off the due-date reminders of one organisation for themselves."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("期限前リマインダーの停止")
        verbose_name_plural = _("期限前リマインダーの停止")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="filings_reminder_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user} / {self.organization}"
