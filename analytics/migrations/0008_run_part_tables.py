"""A run part's rows column-wise and compressed (tables), written instead of the JSON rows (jsonb): PostgreSQL
parsed and kept every key of every row. A part written before the upgrade keeps its rows there, and the join reads
them as before."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0007_run_start_message'),
    ]

    operations = [
        migrations.AddField(
            model_name='runpart',
            name='tables',
            field=models.BinaryField(blank=True, help_text='The rows column-wise, as zlib-compressed JSON.', null=True),
        ),
        migrations.AlterField(
            model_name='runpart',
            name='rows',
            field=models.JSONField(blank=True, default=dict, help_text='The rows of a part stored before tables existed.'),
        ),
    ]
