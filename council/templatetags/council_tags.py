from django import template

from council.constants import ACTION_LABELS

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """The Japanese name of a history row's action code (the code itself if unknown)."""
    return str(ACTION_LABELS.get(code, code))
