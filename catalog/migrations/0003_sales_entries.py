# Product.sales_count follows real sales: one SalesEntry per (event, product) makes each event count once.

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="SalesEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("event_id", models.CharField(help_text="The outbox event that moved the figure.", max_length=64)),
                ("units", models.IntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sales_entries",
                        to="catalog.product",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "sales entries",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(fields=("event_id", "product"), name="catalog_sales_once_per_event")
                ],
            },
        ),
    ]
