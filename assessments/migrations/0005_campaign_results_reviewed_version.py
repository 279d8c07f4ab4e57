from django.db import migrations, models
from django.db.models import F


def reviews_saw_the_answers_they_have(apps, schema_editor):
    # Reviews made before this field are taken to have seen today's answers: nothing
    # tells otherwise, and a "changed since" note on every old review would be noise.
    Campaign = apps.get_model("assessments", "Campaign")
    Campaign.objects.filter(results_reviewed_at__isnull=False).update(
        results_reviewed_version=F("answers_version")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_answer_response_index_in_unique_one"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="results_reviewed_version",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(reviews_saw_the_answers_they_have, migrations.RunPython.noop),
    ]
