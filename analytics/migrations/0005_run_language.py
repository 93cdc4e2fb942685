from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0004_run_plans_and_json_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="analysisrun",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("ru", "Русский")],
                default="en",
                help_text="The language every file of the run (page, PDF, workbook, figures) is written in.",
                max_length=10,
                verbose_name="report language",
            ),
        ),
    ]
