# Product.trending_score: recent sales and views, decayed (set by recommendations), for sort=trending and home.
# A database default too: the demo loader's COPY leaves the column out.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_verified_purchases"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="trending_score",
            field=models.FloatField(
                db_default=0, default=0, help_text="Recent sales and views, decayed, for 'trending'."
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "-trending_score"], name="catalog_prod_status_trending"),
        ),
    ]
