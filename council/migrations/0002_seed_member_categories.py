"""Seed the four member categories of Art. 2 of the 運営要領."""

from django.db import migrations

CATEGORIES = [
    ("meti", 1, "経済産業省", "第2条第1号。協議・連絡会を主宰し、第4号構成員を認める。"),
    ("agency", 2, "制度関係機関", "第2条第2号。法務省、警察庁、外務省及び厚生労働省。"),
    (
        "registered_corporation",
        3,
        "上乗せ基準告示第4条の登録を受けた法人",
        "第2条第3号。事務局が登録番号と登録日を記録して構成員とする。",
    ),
    (
        "body",
        4,
        "地方公共団体、経済団体その他の団体",
        "第2条第4号。協議・連絡会の目的に賛同し、情報把握や周知等に協力する能力を有すると経済産業省が認めるもの。"
        "入会の届出(第8条)により構成員となる。",
    ),
]


def seed(apps, schema_editor):
    MemberCategory = apps.get_model("council", "MemberCategory")
    for code, number, name, description in CATEGORIES:
        MemberCategory.objects.update_or_create(
            code=code, defaults={"number": number, "name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
