"""Seed the members of categories (1) and (2): METI and the 制度関係機関 (Art. 2(1), 2(2))."""

import datetime

from django.db import migrations

#: The 運営要領 was decided on 平成31年3月26日; the government members belong from that day.
FOUNDED = datetime.date(2019, 3, 26)

MEMBERS = [
    ("meti", "経済産業省", "東京都千代田区霞が関一丁目3番1号"),
    ("agency", "法務省", "東京都千代田区霞が関一丁目1番1号"),
    ("agency", "警察庁", "東京都千代田区霞が関二丁目1番2号"),
    ("agency", "外務省", "東京都千代田区霞が関二丁目2番1号"),
    ("agency", "厚生労働省", "東京都千代田区霞が関一丁目2番2号"),
]


def seed(apps, schema_editor):
    MemberCategory = apps.get_model("council", "MemberCategory")
    Member = apps.get_model("membership", "Member")
    for code, name, address in MEMBERS:
        category = MemberCategory.objects.get(code=code)
        Member.objects.get_or_create(
            category=category, name=name, defaults={"address": address, "joined_on": FOUNDED, "status": "active"}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0001_initial"),
        ("council", "0002_seed_member_categories"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
