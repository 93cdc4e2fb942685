"""A run's start_message: the start message that claimed it, so that only that message resumes it (a copy the
outbox sent again, the queue being long, does nothing). Runs claimed before have none: they are not resumed, and
the stale runs' reaper fails one whose worker died."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0006_run_sent_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='analysisrun',
            name='start_message',
            field=models.CharField(blank=True, help_text='The id of the start message (Celery task id) that claimed the run. Only that message, delivered again because its worker died, resumes the run; a copy the outbox sent again does nothing.', max_length=255),
        ),
    ]
