from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("アカウント")

    def ready(self) -> None:
        from .permissions import sync_secretariat_group

        post_migrate.connect(sync_secretariat_group, dispatch_uid="accounts.sync_secretariat_group")
