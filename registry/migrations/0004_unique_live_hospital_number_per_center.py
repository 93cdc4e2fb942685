from django.db import migrations, models
from django.db.models import Count

DUPLICATES_FOUND = (
    "Cannot add the constraint: these hospital numbers are registered more than once at one center ({cases}). "
    "Archive the wrong registration of each (case_archive, with a reason), then migrate again."
)


def _refuse_existing_duplicates(apps, schema_editor):
    # Fail with a message saying what to do, not with the database's bare IntegrityError.
    Case = apps.get_model("registry", "Case")
    live = Case.objects.filter(archived_at__isnull=True)
    groups = (
        live.values("center_id", "hospital_number_hash").annotate(n=Count("pk")).filter(n__gt=1).order_by("center_id")
    )
    clashes = []
    for group in groups:
        ids = live.filter(center_id=group["center_id"], hospital_number_hash=group["hospital_number_hash"])
        clashes.append(" = ".join(sorted(ids.values_list("registry_id", flat=True))))
    if clashes:
        raise RuntimeError(DUPLICATES_FOUND.format(cases="; ".join(clashes)))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_center_time_zone"),
    ]

    operations = [
        migrations.RunPython(_refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("archived_at__isnull", True)),
                fields=("center", "hospital_number_hash"),
                name="unique_live_hospital_number_per_center",
            ),
        ),
    ]
