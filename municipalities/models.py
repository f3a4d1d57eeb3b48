from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import MunicipalityKind


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
    city = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="wards", verbose_name=_("市")
    )
    is_active = models.BooleanField(_("現存"), default=True)

    class Meta:
        verbose_name = _("市区町村")
        verbose_name_plural = _("市区町村")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.name}"


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
