"""Builders for council records. Meetings start as drafts; tests convene them through the services."""

import datetime

import factory
from django.utils import timezone

from council.constants import MeetingKind, Topic
from council.models import AgendaItem, Meeting


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"第{n}回 製造業特定技能外国人材受入れ協議・連絡会")
    kind = MeetingKind.MEETING
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2) if o.starts_at else None)
    place = "経済産業省 本館17階 第1特別会議室"

    class Params:
        written = factory.Trait(
            kind=MeetingKind.WRITTEN,
            starts_at=None,
            place="",
            response_deadline=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7)),
        )

    @factory.post_generation
    def agenda(self, create, extracted, **kwargs):
        items = extracted if extracted is not None else [("受入れ状況について", [Topic.ACCEPTANCE_STATUS])]
        for order, (title, topics) in enumerate(items, start=1):
            AgendaItem.objects.create(meeting=self, order=order, title=title, topics=list(topics))
