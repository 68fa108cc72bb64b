# A hold lapses by itself at its order's expires_at: the field, and partial indexes on active holds.
# Holds taken before this migration keep expires_at NULL (held until released, as before): the sweep
# expires their orders within ORDER_HOLD_SECONDS.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_holds_and_low_stock_alerts"),
    ]

    operations = [
        migrations.AddField(
            model_name="hold",
            name="expires_at",
            field=models.DateTimeField(blank=True, help_text="Its order's hold ends then.", null=True),
        ),
        migrations.AddIndex(
            model_name="hold",
            index=models.Index(
                condition=models.Q(("status", "active")), fields=["expires_at"], name="inventory_hold_active_expiry"
            ),
        ),
        migrations.AddIndex(
            model_name="hold",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["variant", "expires_at"],
                name="inventory_hold_active_variant",
            ),
        ),
    ]
