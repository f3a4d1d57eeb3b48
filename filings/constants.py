"""Choices and fixed dates of the filings app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The obligation to give municipalities a 協力確認書 starts on this date; applications planned
#: before it do not set a due date. Defined by the pure rules module, re-exported here.
from . import rules
from .rules import OBLIGATION_START  # noqa: F401


class WorkerStatus(models.TextChoices):
    INCOMING = "incoming", _("入国予定")
    ACTIVE = "active", _("就労中")
    LEFT = "left", _("離職・転出")
    CANCELLED = "cancelled", _("取りやめ")


#: Statuses of a worker who connects the employer to municipalities (DOMAIN.md §2 rule 2).
CONNECTING_STATUSES = rules.CONNECTING_STATUSES

#: Allowed status moves. ``left`` and ``cancelled`` can be undone by setting ``active`` again
#: (a worker rehired, an application filed again).
WORKER_STATUS_PIPELINE: dict[str, frozenset[str]] = {
    WorkerStatus.INCOMING: frozenset({WorkerStatus.ACTIVE, WorkerStatus.CANCELLED, WorkerStatus.LEFT}),
    WorkerStatus.ACTIVE: frozenset({WorkerStatus.LEFT, WorkerStatus.CANCELLED}),
    WorkerStatus.LEFT: frozenset({WorkerStatus.ACTIVE, WorkerStatus.INCOMING}),
    WorkerStatus.CANCELLED: frozenset({WorkerStatus.ACTIVE, WorkerStatus.INCOMING}),
}


class ApplicationKind(models.TextChoices):
    COE = "coe", _("在留資格認定証明書交付申請")
    CHANGE = "change", _("在留資格変更許可申請")
    EXTENSION = "extension", _("在留期間更新許可申請")


class ApplicationState(models.TextChoices):
    PLANNED = "planned", _("申請予定")
    FILED = "filed", _("申請済み")
    GRANTED = "granted", _("許可")
    REFUSED = "refused", _("不許可")


#: Applications whose planned date still sets a due date.
DUE_SETTING_APPLICATION_STATES = rules.DUE_SETTING_STATES

APPLICATION_STATE_PIPELINE: dict[str, frozenset[str]] = {
    ApplicationState.PLANNED: frozenset({ApplicationState.FILED}),
    ApplicationState.FILED: frozenset({ApplicationState.GRANTED, ApplicationState.REFUSED}),
    ApplicationState.GRANTED: frozenset(),
    ApplicationState.REFUSED: frozenset(),
}


class ConfirmationStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み")


class SubmissionMethod(models.TextChoices):
    PORTAL = "portal", _("ポータルで電子提出")
    EMAIL = "email", _("電子メール")
    POST = "post", _("郵送")
    ONLINE_FORM = "online_form", _("オンラインフォーム")
    COUNTER = "counter", _("窓口")
    FAX = "fax", _("FAX")


class RequirementState(models.TextChoices):
    MISSING = "missing", _("未提出")
    COVERED = "covered", _("提出済み")
