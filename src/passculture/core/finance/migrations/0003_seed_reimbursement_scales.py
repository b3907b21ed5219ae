import datetime as dt

from django.db import migrations

# The reimbursement scales as dated data (RULES.md "Reimbursement"). Upper bounds are inclusive, in
# cents of yearly revenue; the last bracket is open. `valid_until` is exclusive.
SCALES = [
    dict(code="GENERAL_2020_10", label="Barème général d'octobre 2020 à août 2021 (100/95/85/70 %)",
         kind="GENERAL", valid_from=dt.date(2020, 10, 1), valid_until=dt.date(2021, 9, 1),
         brackets=[{"up_to_cents": 20_000_00, "rate": "1"}, {"up_to_cents": 40_000_00, "rate": "0.95"},
                   {"up_to_cents": 150_000_00, "rate": "0.85"}, {"up_to_cents": None, "rate": "0.70"}]),
    dict(code="GENERAL_2021_09", label="Barème général depuis septembre 2021 (100/95/92/90 %)",
         kind="GENERAL", valid_from=dt.date(2021, 9, 1), valid_until=None,
         brackets=[{"up_to_cents": 20_000_00, "rate": "1"}, {"up_to_cents": 40_000_00, "rate": "0.95"},
                   {"up_to_cents": 150_000_00, "rate": "0.92"}, {"up_to_cents": None, "rate": "0.90"}]),
    dict(code="BOOK_2020_10", label="Barème livres (100 % jusqu'à 20 000 €, puis 95 %)",
         kind="BOOK", valid_from=dt.date(2020, 10, 1), valid_until=None,
         brackets=[{"up_to_cents": 20_000_00, "rate": "1"}, {"up_to_cents": None, "rate": "0.95"}]),
    dict(code="DIGITAL_2020_10", label="Offres numériques (non remboursées)",
         kind="DIGITAL", valid_from=dt.date(2020, 10, 1), valid_until=None,
         brackets=[{"up_to_cents": None, "rate": "0"}]),
]


def seed(apps, schema_editor):
    ReimbursementScale = apps.get_model("finance", "ReimbursementScale")
    for scale in SCALES:
        ReimbursementScale.objects.update_or_create(code=scale["code"], defaults=scale)


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_pricing")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
