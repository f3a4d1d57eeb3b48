from .roles import is_secretariat


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_is_secretariat": is_secretariat(user)}
