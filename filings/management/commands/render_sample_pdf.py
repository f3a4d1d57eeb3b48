"""Render a sample 協力確認書 to a file: ``manage.py render_sample_pdf [--out FILE] [--workplaces N]``.

For checking the layout after a change to the template or the PDF stylesheet; needs no database.
"""

import logging
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from filings.pdf import render_confirmation_pdf, sample_document

MAX_WORKPLACES = 1000


class Command(BaseCommand):
    help = "協力確認書の見本PDFを作成します(データベースは使いません)。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--out", default="confirmation-sample.pdf", help="出力するPDFファイル")
        parser.add_argument("--workplaces", type=int, default=3, help="記載する事業所の数(既定: 3)")

    def handle(self, *args, out: str, workplaces: int, **options):
        if not 0 <= workplaces <= MAX_WORKPLACES:
            raise CommandError(f"事業所の数は0から{MAX_WORKPLACES}までで指定してください。")
        path = Path(out)
        if path.parent and not path.parent.is_dir():
            raise CommandError(f"出力先のフォルダがありません: {path.parent}")
        # WeasyPrint reports each layout step at INFO; only the result matters here.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        started = time.perf_counter()
        data = render_confirmation_pdf(sample_document(workplaces))
        elapsed_ms = (time.perf_counter() - started) * 1000
        path.write_bytes(data)
        self.stdout.write(f"{path}: {len(data):,} bytes, 事業所 {workplaces} 件, {elapsed_ms:.0f} ms")
