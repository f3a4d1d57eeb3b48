"""The secretariat group and its permissions, kept in step with the models after every migrate."""

from django.apps import apps as global_apps
from django.conf import settings

from .constants import SECRETARIAT_GROUP

#: Apps whose models the secretariat manages in the admin.
SECRETARIAT_APPS = ("accounts", "council", "membership", "municipalities", "filings", "django_celery_beat")


def sync_secretariat_group(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=SECRETARIAT_APPS)
    # The history is append-only: nobody, the secretariat included, may change or delete it.
    permissions = permissions.exclude(codename__in=["change_auditlog", "delete_auditlog", "add_auditlog"])
    extra = getattr(settings, "SECRETARIAT_EXTRA_PERMISSIONS", ())
    group.permissions.set(list(permissions) + list(Permission.objects.using(using).filter(codename__in=extra)))
