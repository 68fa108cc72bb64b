# A product picture may belong to one colour, so the storefront shows the colour a shopper picked.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_sales_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="productimage",
            name="color",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
