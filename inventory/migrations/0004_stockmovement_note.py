from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_hold_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockmovement",
            name="note",
            field=models.CharField(
                blank=True, help_text="Why, in the seller's words (their own changes).", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="stockmovement",
            name="reason",
            field=models.CharField(
                choices=[
                    ("initial", "Initial stock"),
                    ("adjustment", "Adjustment"),
                    ("restock", "Restock"),
                    ("hold", "Held at checkout"),
                    ("release", "Hold released"),
                    ("sale", "Sold"),
                    ("return", "Returned"),
                ],
                max_length=20,
            ),
        ),
    ]
