"""Recompute the stored month-end counts of the regional statistics' trend (as beat does every 30 minutes)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from council.statistics import refresh_monthly_statistics


class Command(BaseCommand):
    help = "地域別の受入れ状況の月別の推移を、状況の履歴から再集計して保存します。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="この日を基準に集計します(YYYY-MM-DD)。既定は今日。")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today は YYYY-MM-DD の形式で指定してください。") from exc
        trend = refresh_monthly_statistics(today=today)
        first, last = trend[0]["month"], trend[-1]["month"]
        now = trend[-1]["total"]
        self.stdout.write(f"stored {len(trend)} months ({first:%Y-%m} to {last:%Y-%m}), {now} active now")
