# Seller policies (issue 11): handling time, return window and return address, with their ranges as CHECKs.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sellers', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='seller',
            name='handling_days',
            field=models.PositiveSmallIntegerField(default=1, help_text='Business days the seller takes to ship a paid order; every ETA of their lines adds them.'),
        ),
        migrations.AddField(
            model_name='seller',
            name='return_address',
            field=models.TextField(blank=True, help_text='Where approved returns are sent, shown to the buyer.'),
        ),
        migrations.AddField(
            model_name='seller',
            name='return_window_days',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Days after delivery returns are accepted; empty: RETURN_WINDOW_DAYS; 0: no returns.", null=True),
        ),
        migrations.AddConstraint(
            model_name='seller',
            constraint=models.CheckConstraint(condition=models.Q(('handling_days__lte', 30)), name='sellers_handling_days_range'),
        ),
        migrations.AddConstraint(
            model_name='seller',
            constraint=models.CheckConstraint(condition=models.Q(('return_window_days__isnull', True), ('return_window_days__lte', 365), _connector='OR'), name='sellers_return_window_days_range'),
        ),
    ]
