"""Create the demo accounts of the embedded default and print their logins (idempotent).

- an employer (株式会社デモ製作所) with a workplace in 立川市, a worker who will live in 昭島市 and a
  certificate-of-eligibility application planned three weeks ahead, so that the dashboard shows two
  municipalities missing and reminders have something to remind of;
- a staff member of 立川市's responsible office;
- the council's secretariat.

Municipality staff and the secretariat must use a second factor: their TOTP secret is printed, so
that it can be added to an authenticator app; `seed_demo --codes` prints the current codes.
"""

import datetime
import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.constants import SECRETARIAT_GROUP, OrganizationRole
from accounts.models import Organization, OrganizationMembership, User
from filings import services as filings
from filings.constants import ApplicationKind, WorkerStatus
from filings.models import Workplace
from municipalities.models import Municipality, MunicipalityStaff

PASSWORD = "demo-Kyoryoku-2026"  # noqa: S105 -- the demo accounts' published password
EMPLOYER = "employer@demo.example.jp"
MUNICIPALITY = "tachikawa@demo.example.jp"
SECRETARIAT = "secretariat@demo.example.jp"
# Fixed secrets, so that an authenticator app set up once keeps working after a fresh `make run`.
TOTP_SECRETS = {MUNICIPALITY: "KYORYOKUTACHIKAWADEMO234", SECRETARIAT: "KYORYOKUJIMUKYOKUDEMO234"}


class Command(BaseCommand):
    help = "デモ用のアカウント(事業者・市区町村・事務局)を作成し、ログイン情報を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--codes", action="store_true", help="現在の二要素認証コードだけを表示します。")
        parser.add_argument("--force", action="store_true", help="DEBUG が無効な環境でも作成します。")

    def handle(self, *args, codes: bool = False, force: bool = False, **options):
        if codes:
            for email in TOTP_SECRETS:
                self.stdout.write(f"{email}: {current_code(email)}")
            return
        if not settings.DEBUG and not force:
            raise CommandError("デモ用アカウントは開発環境(DEBUG=true)でのみ作成します。")
        if not Municipality.objects.filter(code="132021").exists():
            raise CommandError("市区町村データがありません。先に `manage.py load_municipalities` を実行してください。")
        with transaction.atomic():
            employer = _user(EMPLOYER, "佐藤 花子")
            organization = _employer_organization(employer)
            _employer_data(organization, employer)
            staff = _user(MUNICIPALITY, "立川 太郎")
            MunicipalityStaff.objects.get_or_create(
                user=staff, municipality=Municipality.objects.get(code="132021"), defaults={"is_active": True}
            )
            secretariat = _user(SECRETARIAT, "事務局 次郎", is_staff=True)
            secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
            for user in (staff, secretariat):
                _totp(user)

        self.stdout.write(self.style.SUCCESS(f"デモ用アカウント(パスワードはすべて {PASSWORD}):"))
        self.stdout.write(f"  事業者(株式会社デモ製作所の代表者): {EMPLOYER}")
        for label, email in (("市区町村(立川市の担当者):", MUNICIPALITY), ("協議・連絡会 事務局:", SECRETARIAT)):
            self.stdout.write(f"  {label} {email}  認証アプリのシークレット {TOTP_SECRETS[email]}")
        self.stdout.write("  現在の認証コードは `.venv/bin/python manage.py seed_demo --codes` で表示できます。")


def _user(email: str, full_name: str, *, is_staff: bool = False) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "is_staff": is_staff})
    if created:
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _employer_organization(user: User) -> Organization:
    membership = OrganizationMembership.objects.filter(user=user).select_related("organization").first()
    if membership:
        return membership.organization
    organization = Organization.objects.create(
        name="株式会社デモ製作所",
        corporate_number="",
        postal_code="1900012",
        address="東京都立川市曙町2丁目1番1号",
        representative_name="佐藤 花子",
        contact_department="総務部",
        contact_name="佐藤 花子",
        contact_phone="042-000-0000",
        contact_email=EMPLOYER,
    )
    OrganizationMembership.objects.create(user=user, organization=organization, role=OrganizationRole.REPRESENTATIVE)
    return organization


def _employer_data(organization: Organization, actor: User) -> None:
    if Workplace.objects.filter(organization=organization).exists():
        return
    workplace = filings.create_workplace(
        organization=organization, actor=actor, name="立川工場", postal_code="190-0012",
        address="東京都立川市曙町2丁目1番1号",
    )
    worker = filings.create_worker(
        organization=organization, actor=actor, name="NGUYEN VAN A", nationality="ベトナム", workplace=workplace,
        residence_postal_code="196-0015", residence_address="東京都昭島市昭和町1-1-1", status=WorkerStatus.INCOMING,
    )
    filings.plan_application(
        worker=worker, actor=actor, kind=ApplicationKind.COE,
        planned_date=timezone.localdate() + datetime.timedelta(days=21),
    )


def _totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRETS[user.email])


def current_code(email: str) -> str:
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
