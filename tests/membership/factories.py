"""Factories for council membership, one Trait per state, and the seed data of the migrations."""

import datetime
import importlib

import factory
from django.apps import apps as django_apps
from django.utils import timezone

from council.models import MemberCategory
from membership.constants import JoinRequestStatus, MemberStatus, OrganizationType
from membership.models import JoinRequest, Member

SEED_MIGRATIONS = (
    "council.migrations.0002_seed_member_categories",
    "membership.migrations.0002_seed_government_members",
)


def ensure_seed_data() -> None:
    """Put back the categories and government members a flushed (transactional) test removed."""
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(django_apps, None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"applicant{n}@example.jp")
    password = factory.django.Password("Kyoryoku-2026-test")


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    applicant = factory.SubFactory(UserFactory)
    organization_type = OrganizationType.ECONOMIC
    name = factory.Sequence(lambda n: f"一般社団法人 ものづくり振興会{n}")
    postal_code = "100-0013"
    address = "東京都千代田区霞が関一丁目3番1号"
    representative_name = "山田 太郎"
    contact_department = "事務局"
    contact_name = "鈴木 一郎"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.jp")
    contact_phone = "03-1234-5678"
    agrees_with_purpose = True
    cooperation = "会員企業への周知と実態調査への協力"
    status = JoinRequestStatus.DRAFT

    class Params:
        submitted = factory.Trait(status=JoinRequestStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))
        info_requested = factory.Trait(
            status=JoinRequestStatus.INFO_REQUESTED,
            submitted_at=factory.LazyFunction(timezone.now),
            info_request_message="定款を添付してください。",
        )
        approved = factory.Trait(status=JoinRequestStatus.APPROVED, submitted_at=factory.LazyFunction(timezone.now))
        refused = factory.Trait(
            status=JoinRequestStatus.REFUSED, submitted_at=factory.LazyFunction(timezone.now), refusal_reason="理由"
        )


def _category(code: str) -> MemberCategory:
    return MemberCategory.objects.get(code=code)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    category = factory.LazyFunction(lambda: _category("body"))
    organization_type = OrganizationType.ECONOMIC
    name = factory.Sequence(lambda n: f"〇〇商工会議所{n}")
    address = "東京都立川市曙町二丁目1番1号"
    representative_name = "会頭 田中 次郎"
    contact_name = "高橋 三郎"
    contact_email = factory.Sequence(lambda n: f"member{n}@example.jp")
    contact_phone = "042-500-0000"
    cooperation = "会員への周知"
    membership_number = factory.Sequence(lambda n: f"T{n:04d}")
    joined_on = datetime.date(2026, 4, 1)
    user = factory.SubFactory(UserFactory)
    status = MemberStatus.ACTIVE

    class Params:
        corporation = factory.Trait(
            category=factory.LazyFunction(lambda: _category("registered_corporation")),
            organization_type="",
            membership_number="",
            registration_number=factory.Sequence(lambda n: f"登録{n:03d}"),
            registered_on=datetime.date(2026, 4, 1),
            user=None,
        )
        withdrawn = factory.Trait(status=MemberStatus.WITHDRAWN, left_on=datetime.date(2026, 6, 30))
        expelled = factory.Trait(status=MemberStatus.EXPELLED, left_on=datetime.date(2026, 6, 30))
