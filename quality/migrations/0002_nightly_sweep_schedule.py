"""The nightly data-quality sweep as a django_celery_beat PeriodicTask (celery beat reads it from the DB), at
01:30 UTC: an hour before the nightly pooled analysis, which counts the open findings of its cases."""

from django.db import migrations

TASK_NAME = "quality: nightly sweep"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "quality.sweep",
            "crontab": schedule,
            "enabled": True,
            "description": "Re-run every data-quality rule over the registry and write the daily snapshot.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
