from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberCategoryCode(models.TextChoices):
    """The four kinds of member of Art. 2 of the 運営要領, in the order of its items."""

    METI = "meti", _("経済産業省")
    AGENCY = "agency", _("制度関係機関")
    REGISTERED_CORPORATION = "registered_corporation", _("上乗せ基準告示第4条の登録を受けた法人")
    BODY = "body", _("地方公共団体、経済団体その他の団体")


#: Art. 8: only category (4) joins by notifying the secretariat.
JOINABLE_CATEGORY = MemberCategoryCode.BODY
