# Signals (per-customer purchases, shoppers' bounded views, cart adds and searches, daily view counts) and the
# item-to-item similarity derived from them (cosine over customers who bought, or shoppers who viewed, both).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_verified_purchases'),
        ('recommendations', '0001_co_purchases'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_bought_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['product'], name='reco_customeritem_product')],
                'constraints': [models.UniqueConstraint(fields=('user', 'product'), name='reco_customeritem_unique')],
            },
        ),
        migrations.CreateModel(
            name='DailyViews',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('views', models.PositiveIntegerField(default=0)),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
            ],
            options={
                'indexes': [models.Index(fields=['day'], name='reco_dailyviews_day')],
                'constraints': [models.UniqueConstraint(fields=('product', 'day'), name='reco_dailyviews_unique')],
            },
        ),
        migrations.CreateModel(
            name='HistoryEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('viewed', 'Viewed'), ('cart', 'Added to cart')], max_length=8)),
                ('at', models.DateTimeField()),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['user', 'kind', '-at'], name='reco_history_recent'), models.Index(fields=['product', 'kind'], name='reco_history_product')],
                'constraints': [models.UniqueConstraint(fields=('user', 'kind', 'product'), name='reco_history_unique')],
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(max_length=200)),
                ('at', models.DateTimeField()),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['user', '-at'], name='reco_search_recent')],
                'constraints': [models.UniqueConstraint(fields=('user', 'query'), name='reco_search_unique')],
            },
        ),
        migrations.CreateModel(
            name='SimilarItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('bought', 'Bought by the same customers'), ('viewed', 'Viewed by the same shoppers')], max_length=8)),
                ('together', models.PositiveIntegerField(default=0)),
                ('score', models.FloatField(default=0.0)),
                ('other', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
            ],
            options={
                'indexes': [models.Index(fields=['product', 'source', '-score'], name='reco_similar_ranking'), models.Index(fields=['other', 'source'], name='reco_similar_other')],
                'constraints': [models.UniqueConstraint(fields=('product', 'other', 'source'), name='reco_similar_unique')],
            },
        ),
    ]
