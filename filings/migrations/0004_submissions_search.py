"""A trigram index for the inbox's full-text search on PostgreSQL (``search_text LIKE '%word%'``).

Only on PostgreSQL: SQLite has no trigram index, and scans the (small) embedded inbox instead.
"""

from django.db import migrations

INDEX = "confirmation_search_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON filings_confirmation USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0003_reminders"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
