import datetime as dt

from django.db import migrations

# Credit policies as dated data (RULES.md "Credit policies"). The 2021 rule is the seed's and the default;
# the 2025 reform is stored inactive so staff can switch it on from the back office.
POLICIES = [
    dict(code="GRANT_18_2019", label="Pass Culture 2019 : 500 €", age=18, valid_from=dt.date(2019, 2, 1),
         valid_until=dt.date(2021, 5, 21), amount_cents=500_00, digital_cap_cents=200_00,
         physical_cap_cents=200_00, validity_years=2, is_active=True),
    dict(code="GRANT_18_2021", label="Pass Culture 2021 : 300 € valables 2 ans", age=18,
         valid_from=dt.date(2021, 5, 21), valid_until=None, amount_cents=300_00, digital_cap_cents=100_00,
         physical_cap_cents=None, validity_years=2, is_active=True),
    dict(code="GRANT_17_2025", label="Réforme 2025 : 50 € à 17 ans", age=17, valid_from=dt.date(2025, 3, 1),
         valid_until=None, amount_cents=50_00, digital_cap_cents=100_00, physical_cap_cents=None,
         expires_at_age=21, is_active=False),
    dict(code="GRANT_18_2025", label="Réforme 2025 : 150 € à 18 ans", age=18, valid_from=dt.date(2025, 3, 1),
         valid_until=None, amount_cents=150_00, digital_cap_cents=100_00, physical_cap_cents=None,
         expires_at_age=21, is_active=False),
]


def seed(apps, schema_editor):
    CreditPolicy = apps.get_model("credit", "CreditPolicy")
    for policy in POLICIES:
        CreditPolicy.objects.update_or_create(code=policy["code"], defaults=policy)


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
