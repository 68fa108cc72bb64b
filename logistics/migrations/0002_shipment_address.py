"""Shipments keep where they go (the seller's "Orders to ship" page lives in logistics and cannot read orders)."""

from django.db import migrations, models


def copy_addresses(apps, schema_editor):
    # Existing shipments take their order's address snapshot; new ones get it from "order.paid".
    Shipment = apps.get_model("logistics", "Shipment")
    Order = apps.get_model("orders", "Order")
    pending = list(Shipment.objects.filter(shipping_address={}).only("pk", "order_id"))
    addresses = dict(Order.objects.filter(pk__in={s.order_id for s in pending}).values_list("pk", "shipping_address"))
    for shipment in pending:
        shipment.shipping_address = addresses.get(shipment.order_id) or {}
    Shipment.objects.bulk_update(pending, ["shipping_address"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0001_shipments"),
        ("orders", "0001_orders"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipment",
            name="shipping_address",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Where the parcel goes: the order's address at checkout ({} if unknown).",
            ),
        ),
        migrations.RunPython(copy_addresses, migrations.RunPython.noop),
    ]
