"""The council body (製造業特定技能外国人材受入れ協議・連絡会) and its member categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import JOINABLE_CATEGORY, MemberCategoryCode


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
