# Users confirm their e-mail address (required to sell); "sign out everywhere" raises a session epoch.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='email_verified',
            field=models.BooleanField(default=False, help_text='The user opened the link mailed to this address (required to sell).'),
        ),
        migrations.AddField(
            model_name='user',
            name='session_epoch',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Raised by "sign out everywhere": ends every earlier session.'),
        ),
    ]
