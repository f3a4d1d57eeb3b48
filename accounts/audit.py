"""Writing and reading the history rows every service leaves behind."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditLog, User


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def log_action(obj: models.Model, action: str, *, actor: User | None, data: dict | None = None) -> AuditLog:
    """Record ``action`` on ``obj``. Call inside the transaction of the change it records."""
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    return AuditLog.objects.create(
        action=action,
        actor=actor_obj,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        data=_jsonable(data or {}),
    )


def history_for(obj: models.Model) -> models.QuerySet[AuditLog]:
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=str(obj.pk)
    ).select_related("actor")
