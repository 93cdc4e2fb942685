"""A run's sent_at (when it was handed to the queue), and the beat task that sends the runs the queue could not
take, every minute."""

from django.db import migrations, models
from django.db.models import F

SEND_TASK_NAME = "Send the runs waiting for the queue"
SEND_TASK = "analytics.send_waiting_runs"


def runs_before_were_sent(apps, schema_editor):
    # Every run asked for before this field was handed to the queue when it was asked for (or failed).
    apps.get_model("analytics", "AnalysisRun").objects.update(sent_at=F("created_at"))


def create_send_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SEND_TASK_NAME,
        defaults={
            "task": SEND_TASK,
            "interval": every_minute,
            "enabled": True,
            "expire_seconds": 60,  # ticks beat sent while no worker ran are dropped, not run one after another
            "description": "Send the analysis runs Redis could not take when they were asked for, and resend "
            "queued runs whose message Redis lost.",
        },
    )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_send_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SEND_TASK_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0005_run_language'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.AddField(
            model_name='analysisrun',
            name='sent_at',
            field=models.DateTimeField(blank=True, help_text='When the run was last handed to the queue (Redis). Empty while the queue could not take it: it is sent once the queue is back (analytics.runs.sending).', null=True),
        ),
        migrations.RunPython(runs_before_were_sent, migrations.RunPython.noop),
        migrations.RunPython(create_send_schedule, remove_send_schedule),
    ]
