"""Submitted confirmations: frozen PDFs, receipts, proof of other channels, the inbox's records.

A confirmation, once submitted, keeps its PDF bytes here (``FrozenPdf``) with their SHA-256; a
portal submission gets a ``Receipt`` whose 受付番号 is unique and counted per municipality and
Japanese fiscal era year (``ReceiptCounter``). Other channels may carry a ``SubmissionProof``.
Every view or download by municipality staff or the employer is one ``ConfirmationAccess`` row.
``PdfBundle`` is a ZIP of the employer's missing PDFs, built by a task that writes its progress.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ConfirmationAccess",
    "FrozenPdf",
    "InboxPreference",
    "PdfBundle",
    "Receipt",
    "ReceiptCounter",
    "SubmissionProof",
]


class FrozenPdf(models.Model):
    """The PDF of a submitted confirmation, rendered once from its snapshot and never again."""

    confirmation = models.OneToOneField(
        "filings.Confirmation", on_delete=models.CASCADE, related_name="frozen_pdf", verbose_name=_("協力確認書")
    )
    data = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("サイズ"))
    rendered_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    #: The Celery task that rendered it, when a task did (empty when rendered in the request).
    task_id = models.CharField(_("タスクID"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("提出済みPDF")
        verbose_name_plural = _("提出済みPDF")

    def __str__(self) -> str:
        return f"{self.confirmation_id}: {self.sha256[:12]}"


class ReceiptCounter(models.Model):
    """The last sequence number of 受付番号 issued by a municipality in a 令和 year."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE, related_name="+")
    era_year = models.PositiveSmallIntegerField(_("令和年"))
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("受付番号の採番")
        verbose_name_plural = _("受付番号の採番")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "era_year"], name="receipt_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"R{self.era_year}-{self.municipality_id}: {self.last}"


class Receipt(models.Model):
    """The receipt of a portal submission: 受付番号, the moment of arrival and the PDF's SHA-256."""

    confirmation = models.OneToOneField(
        "filings.Confirmation", on_delete=models.CASCADE, related_name="receipt", verbose_name=_("協力確認書")
    )
    number = models.CharField(_("受付番号"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("受付日時"))
    sha256 = models.CharField(_("PDFのSHA-256"), max_length=64)
    #: When the municipality's office was told by email (empty until sent, or when it has no address).
    notified_at = models.DateTimeField(_("通知日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("受付票")
        verbose_name_plural = _("受付票")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class SubmissionProof(models.Model):
    """What the employer kept of a submission by another channel: a PDF, PNG or JPEG (≤ 10 MB)."""

    confirmation = models.OneToOneField(
        "filings.Confirmation", on_delete=models.CASCADE, related_name="proof", verbose_name=_("協力確認書")
    )
    filename = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(_("種類"), max_length=40)
    data = models.BinaryField(_("内容"))
    size = models.PositiveIntegerField(_("サイズ"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("提出の控え")
        verbose_name_plural = _("提出の控え")

    def __str__(self) -> str:
        return self.filename


class ConfirmationAccess(models.Model):
    """One view or download of a submitted confirmation: who, when, what."""

    class Action(models.TextChoices):
        VIEW = "view", _("閲覧")
        DOWNLOAD_PDF = "download_pdf", _("PDFのダウンロード")
        DOWNLOAD_PROOF = "download_proof", _("控えのダウンロード")
        DOWNLOAD_RECEIPT = "download_receipt", _("受付票のダウンロード")
        EXPORT = "export", _("一覧の書き出し")

    confirmation = models.ForeignKey(
        "filings.Confirmation", on_delete=models.CASCADE, related_name="accesses", verbose_name=_("協力確認書")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Set when the reader acted as staff of a municipality, empty for the employer's own people.
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("閲覧記録")
        verbose_name_plural = _("閲覧記録")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["confirmation", "-at"])]

    def __str__(self) -> str:
        return f"{self.confirmation_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class PdfBundle(models.Model):
    """A ZIP of the PDFs of an employer's missing confirmations, built in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待機中")
        RUNNING = "running", _("作成中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="pdf_bundles", verbose_name=_("所属機関")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("件数"), default=0)
    done = models.PositiveIntegerField(_("作成済み"), default=0)
    data = models.BinaryField(_("ZIP"), null=True, blank=True)
    size = models.PositiveIntegerField(_("サイズ"), default=0)
    error = models.TextField(_("エラー"), blank=True)
    task_id = models.CharField(_("タスクID"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("PDF一括ダウンロード")
        verbose_name_plural = _("PDF一括ダウンロード")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.done}/{self.total} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class InboxPreference(models.Model):
    """How a municipality's office hears of arrivals: one email each, or one digest a day."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="inbox_preference"
    )
    daily_digest = models.BooleanField(_("1日1回のまとめて通知"), default=False)
    last_digest_at = models.DateTimeField(_("前回のまとめ通知"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("受付箱の通知設定")
        verbose_name_plural = _("受付箱の通知設定")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {'digest' if self.daily_digest else 'each'}"
