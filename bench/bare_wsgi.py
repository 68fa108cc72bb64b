"""WSGI entry of the bare Django yardstick (bench/bare_settings.py), run by bench/run.sh under gunicorn with the
store's own worker settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bare_settings"
application = get_wsgi_application()
