"""factory_boy factories for the filings records, for tests that need many rows fast.

Tests of behaviour set data up through ``filings.services``; these factories write rows directly
(with their first history rows) for volume: query counts, pagination, the benchmark.
"""

import datetime

import factory
from django.utils import timezone

from accounts.models import Organization
from filings.constants import ConfirmationStatus, SubmissionMethod, WorkerStatus
from filings.models import Confirmation, VisaApplication, Worker, Workplace
from municipalities.models import Municipality


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"株式会社テスト製作所{n}")
    contact_department = "総務部"
    contact_name = "佐藤 花子"
    contact_phone = "042-000-0000"
    contact_email = "sato@example.jp"


class WorkplaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplace

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"第{n}工場")
    postal_code = "190-0012"
    address = factory.Sequence(lambda n: f"東京都立川市曙町{n}-1-1")
    municipality = factory.LazyFunction(lambda: municipality("132021"))


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    organization = factory.SelfAttribute("workplace.organization")
    workplace = factory.SubFactory(WorkplaceFactory)
    name = factory.Sequence(lambda n: f"WORKER {n}")
    nationality = "ベトナム"
    status = WorkerStatus.ACTIVE
    status_since = datetime.date(2026, 4, 1)
    residence_postal_code = "190-0012"
    residence_address = factory.Sequence(lambda n: f"東京都立川市曙町{n}-2-2")
    residence_municipality = factory.LazyFunction(lambda: municipality("132021"))

    class Params:
        incoming = factory.Trait(status=WorkerStatus.INCOMING)
        left = factory.Trait(status=WorkerStatus.LEFT)
        cancelled = factory.Trait(status=WorkerStatus.CANCELLED)


class VisaApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisaApplication

    worker = factory.SubFactory(WorkerFactory)
    kind = "extension"
    planned_date = datetime.date(2027, 1, 15)


class ConfirmationFactory(factory.django.DjangoModelFactory):
    """A confirmation whose content matches its organisation now, listing ``workplaces``."""

    class Meta:
        model = Confirmation
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    municipality = factory.LazyFunction(lambda: municipality("132021"))
    content = factory.LazyAttribute(
        lambda o: {
            "employer_name": o.organization.name,
            "contact": {
                "department": o.organization.contact_department,
                "name": o.organization.contact_name,
                "phone": o.organization.contact_phone,
                "email": o.organization.contact_email,
            },
            "workplaces": [
                {"id": w.pk, "name": w.name, "postal_code": w.postal_code, "address": w.address} for w in o.workplaces
            ],
            "municipality": {"code": o.municipality.code, "name": o.municipality.name},
        }
    )

    class Params:
        workplaces = ()
        submitted = factory.Trait(
            status=ConfirmationStatus.SUBMITTED,
            method=SubmissionMethod.EMAIL,
            submitted_on=datetime.date(2026, 6, 1),
            submitted_at=factory.LazyFunction(timezone.now),
        )
