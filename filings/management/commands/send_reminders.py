"""``manage.py send_reminders [--today YYYY-MM-DD]``: the daily reminder scan, by hand."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from filings.reminders import run_daily


class Command(BaseCommand):
    help = (
        "提出期限前・在留期間更新前のリマインダーと事務局向けのお知らせを送信します"
        "(同じ日に何度実行しても一度だけ送信)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="基準日(YYYY-MM-DD)。省略すると今日。")

    def handle(self, *args, today: str | None = None, **options):
        on = None
        if today:
            try:
                on = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError("--today は YYYY-MM-DD の形式で指定してください。") from exc
        count = run_daily(today=on)
        self.stdout.write(f"sent {count} reminders")
