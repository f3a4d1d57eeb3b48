"""Workplaces, workers, planned visa applications and 協力確認書 records of an employer.

The employer itself is ``accounts.Organization``. Everything a requirement depends on keeps its
history as rows: workplace renames and relocations (``WorkplaceVersion``), worker transfers
(``WorkerAssignment``), moves (``WorkerResidence``) and status changes (``WorkerStatusChange``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import (
    ApplicationKind,
    ApplicationState,
    ConfirmationStatus,
    SubmissionMethod,
    WorkerStatus,
)

__all__ = [
    "Confirmation",
    "VisaApplication",
    "Worker",
    "WorkerAssignment",
    "WorkerResidence",
    "WorkerStatusChange",
    "Workplace",
    "WorkplaceVersion",
]


class Workplace(models.Model):
    """A workplace (事業所) of the employer. Item ② of the form lists its name and address.

    ``municipality`` is the filing municipality (the city for a designated city's ward);
    ``ward`` keeps the ward for display. A closed workplace is kept, with ``closed_on`` set.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="workplaces", verbose_name=_("所属機関")
    )
    name = models.CharField(_("名称"), max_length=200)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=300)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("市区町村")
    )
    ward = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区"),
    )
    town = models.CharField(_("町域"), max_length=100, blank=True)
    closed_on = models.DateField(_("閉鎖日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事業所")
        verbose_name_plural = _("事業所")
        ordering = ["organization", "name", "pk"]
        indexes = [models.Index(fields=["organization", "municipality"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class WorkplaceVersion(models.Model):
    """One state of a workplace's name and address, from ``valid_from`` until the next version."""

    class Change(models.TextChoices):
        CREATED = "created", _("登録")
        RENAMED = "renamed", _("名称変更")
        RELOCATED = "relocated", _("移転")
        RENAMED_AND_RELOCATED = "renamed_and_relocated", _("名称変更・移転")
        CLOSED = "closed", _("閉鎖")

    workplace = models.ForeignKey(Workplace, on_delete=models.CASCADE, related_name="versions")
    change = models.CharField(_("変更内容"), max_length=30, choices=Change.choices)
    name = models.CharField(_("名称"), max_length=200)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=300)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("市区町村")
    )
    valid_from = models.DateTimeField(_("適用開始"))
    effective_on = models.DateField(_("変更日"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("事業所の履歴")
        verbose_name_plural = _("事業所の履歴")
        ordering = ["workplace", "valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.address} ({self.get_change_display()})"


class Worker(models.Model):
    """A Specified Skilled Worker (特定技能外国人). Only what the filing needs is kept.

    The current workplace and residence are denormalised here for fast reads; their history is in
    ``WorkerAssignment`` and ``WorkerResidence``.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="workers", verbose_name=_("所属機関")
    )
    name = models.CharField(_("氏名"), max_length=200)
    nationality = models.CharField(_("国籍・地域"), max_length=100)
    residence_card_expiry = models.DateField(_("在留期間の満了日"), null=True, blank=True)
    status = models.CharField(_("状況"), max_length=20, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE)
    status_since = models.DateField(_("状況の開始日"))
    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, related_name="workers", verbose_name=_("勤務先事業所")
    )
    residence_postal_code = models.CharField(_("住居地の郵便番号"), max_length=8, blank=True)
    residence_address = models.CharField(_("住居地"), max_length=300)
    residence_municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("住居地の市区町村")
    )
    residence_ward = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("住居地の区"),
    )
    residence_town = models.CharField(_("住居地の町域"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("特定技能外国人")
        verbose_name_plural = _("特定技能外国人")
        ordering = ["organization", "name", "pk"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name


class WorkerAssignment(models.Model):
    """A period during which a worker works at a workplace (transfers end one and start another)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="assignments")
    workplace = models.ForeignKey(Workplace, on_delete=models.PROTECT, related_name="assignments")
    started_on = models.DateField(_("開始日"))
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("勤務先の履歴")
        verbose_name_plural = _("勤務先の履歴")
        ordering = ["worker", "started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.started_on}–{self.ended_on or ''}"


class WorkerResidence(models.Model):
    """A period during which a worker lives at an address (moves end one and start another)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="residences")
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住居地"), max_length=300)
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT, related_name="+")
    ward = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("開始日"))
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("住居地の履歴")
        verbose_name_plural = _("住居地の履歴")
        ordering = ["worker", "started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.started_on}–{self.ended_on or ''}"


class WorkerStatusChange(models.Model):
    """A worker's status from ``effective_on`` (incoming → active → left, or cancelled)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("状況"), max_length=20, choices=WorkerStatus.choices)
    effective_on = models.DateField(_("日付"))
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("状況の履歴")
        verbose_name_plural = _("状況の履歴")
        ordering = ["worker", "effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.status} {self.effective_on}"


class VisaApplication(models.Model):
    """A planned (later filed, granted or refused) residence application of a worker."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(_("申請の種類"), max_length=20, choices=ApplicationKind.choices)
    planned_date = models.DateField(_("申請予定日"))
    state = models.CharField(
        _("状態"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.PLANNED
    )
    filed_on = models.DateField(_("申請日"), null=True, blank=True)
    decided_on = models.DateField(_("結果の日付"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("在留諸申請")
        verbose_name_plural = _("在留諸申請")
        ordering = ["worker", "planned_date", "pk"]

    def __str__(self) -> str:
        return f"{self.worker} {self.get_kind_display()} {self.planned_date}"


class Confirmation(models.Model):
    """A 協力確認書 to one municipality, with the frozen content it was made with.

    ``content`` is the snapshot printed on the PDF and compared for staleness::

        {"employer_name": str,
         "contact": {"department", "name", "phone", "email"},
         "workplaces": [{"id", "name", "postal_code", "address"}],
         "municipality": {"code", "name", "prefecture", "kind", "addressee"}}

    Submission is recorded on the same row: the method, the date the employer gives, and for
    ``portal`` the moment it entered the municipality's inbox (its receipt).
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("所属機関")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("提出先")
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=ConfirmationStatus.choices, default=ConfirmationStatus.DRAFT
    )
    content = models.JSONField(_("記載内容"), default=dict)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(_("提出方法"), max_length=20, choices=SubmissionMethod.choices, blank=True)
    submitted_on = models.DateField(_("提出日"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提出の記録日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: For ``portal`` submissions: when the confirmation entered the municipality's inbox.
    delivered_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    receipt_number = models.CharField(_("受付番号"), max_length=40, blank=True)
    acknowledged_at = models.DateTimeField(_("市区町村の確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = models.TextField(_("市区町村からの連絡事項"), blank=True)
    #: Employer name, 法人番号, workplaces and 受付番号 in one lower-cased string for the inbox search.
    search_text = models.TextField(_("検索用テキスト"), blank=True, editable=False)

    class Meta:
        verbose_name = _("協力確認書")
        verbose_name_plural = _("協力確認書")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status", "municipality"]),
            models.Index(fields=["municipality", "status", "-submitted_on"]),
            models.Index(fields=["municipality", "status", "-submitted_at", "-id"], name="confirmation_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | (models.Q(submitted_on__isnull=False) & ~models.Q(method="")),
                name="submitted_confirmation_has_method_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.municipality} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == ConfirmationStatus.SUBMITTED
