from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("代表者")
    STAFF = "staff", _("職員")
    VIEWER = "viewer", _("閲覧のみ")


#: Roles that may submit a 協力確認書 in the organisation's name (seed 004 Q&A: 代表者又は職員).
SUBMITTING_ROLES = frozenset({OrganizationRole.REPRESENTATIVE, OrganizationRole.STAFF})

#: The Django group that makes a staff user the council's secretariat.
SECRETARIAT_GROUP = "secretariat"

#: Session key holding the organisation or municipality the user currently acts for.
ACTING_AS_SESSION_KEY = "acting_as"
