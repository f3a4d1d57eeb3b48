"""Close written circulations whose deadline has passed and record their outcome."""

from django.core.management.base import BaseCommand

from council.services import close_due_circulations


class Command(BaseCommand):
    help = "回答期限を過ぎた書面・電子メールによる回覧を締め切り、結果を記録します。"

    def handle(self, *args, **options) -> None:
        closed = close_due_circulations()
        self.stdout.write(f"closed {len(closed)} circulation(s): {', '.join(map(str, closed)) or '-'}")
