import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()

# Public cache hits are answered before Django builds a request (shop/public_cache.py).
from shop.public_cache import FastPath  # noqa: E402  (needs the settings configured above)

application = FastPath(application)
