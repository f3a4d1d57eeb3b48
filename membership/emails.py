"""Emails of the membership lifecycle: ``templates/emails/membership_<name>.subject.txt|.txt|.html``.

Services call :func:`send_after_commit` inside their transaction. The email is rendered at once
(showing the state being committed) and handed to the worker only after commit, so a rolled-back
decision sends nothing and a mail failure never undoes a decision (``accounts.emails``).
"""

from accounts.emails import send_templated_email


def send_after_commit(name: str, *, to: list[str], context: dict, language: str = "ja") -> None:
    send_templated_email(f"membership_{name}", to=to, context=context, language=language)
