"""``manage.py provision_employer --email E --organization N``: an employer ready for the API.

Creates the user and the organisation when they do not exist, makes the user the organisation's
representative, and prints a new API token as the last line of the output.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.audit import log_action
from accounts.constants import OrganizationRole
from accounts.models import Organization, OrganizationMembership, User
from accounts.services import create_organization, issue_api_token


class Command(BaseCommand):
    help = "雇用主(所属機関)と代表者を用意し、新しい API トークンを最後の行に出力します。"

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="代表者のメールアドレス")
        parser.add_argument("--organization", required=True, help="所属機関の名称")
        parser.add_argument("--token-name", default="provision_employer", help="トークンの名前")

    def handle(self, *args, email: str, organization: str, token_name: str, **options):
        email = User.objects.normalize_email(email.strip()).lower()
        name = organization.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"メールアドレスの形式が正しくありません: {email}") from None
        if not name:
            raise CommandError("所属機関の名称を指定してください。")
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=None)
                log_action(user, "accounts.user.provisioned", actor=None, data={"email": email})
                self.stdout.write(f"利用者を作成しました: {email}")
            else:
                self.stdout.write(f"既存の利用者: {email}")
            org = Organization.objects.filter(name=name).order_by("pk").first()
            if org is None:
                org = create_organization(name=name, representative=user)
                self.stdout.write(f"所属機関を作成しました: {name} (id={org.pk})")
            else:
                membership, created = OrganizationMembership.objects.get_or_create(
                    user=user, organization=org, defaults={"role": OrganizationRole.REPRESENTATIVE}
                )
                if not created and membership.role != OrganizationRole.REPRESENTATIVE:
                    old = membership.role
                    membership.role = OrganizationRole.REPRESENTATIVE
                    membership.save(update_fields=["role"])
                    log_action(
                        membership,
                        "accounts.membership.role_changed",
                        actor=None,
                        data={"old": old, "new": OrganizationRole.REPRESENTATIVE},
                    )
                elif created:
                    log_action(
                        membership,
                        "accounts.membership.created",
                        actor=None,
                        data={"role": OrganizationRole.REPRESENTATIVE},
                    )
                self.stdout.write(f"既存の所属機関: {name} (id={org.pk})")
            _token, raw = issue_api_token(user=user, organization=org, name=token_name)
        self.stdout.write(raw)
