from django import template

from ..constants import ACTION_LABELS

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def field_label(name: str) -> str:
    from ..models import Member

    try:
        return Member._meta.get_field(name).verbose_name
    except Exception:
        return name
