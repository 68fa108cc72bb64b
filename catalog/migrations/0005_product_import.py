# A seller uploads a catalogue file (CSV or XLSX): its dry run and its application are kept as an import.

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_image_color"),
        ("sellers", "0002_policies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProductImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file_name", models.CharField(max_length=255)),
                ("format", models.CharField(choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")], max_length=4)),
                ("content", models.BinaryField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("validating", "Checking"),
                            ("validated", "Checked"),
                            ("queued", "Queued"),
                            ("running", "Importing"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="validating",
                        max_length=10,
                    ),
                ),
                ("total_rows", models.PositiveIntegerField(default=0)),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("report", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seller",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="product_imports", to="sellers.seller"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["seller", "-created_at"], name="catalog_import_seller")],
            },
        ),
    ]
