"""``python manage.py refresh_trending``: recompute every product's trending score (recent sales and views)."""

from django.core.management.base import BaseCommand

from recommendations import services


class Command(BaseCommand):
    help = "Recompute every product's trending score from the recent window's sales and views."

    def handle(self, *args, **options) -> None:
        count = services.refresh_trending()
        self.stdout.write(f"{count} trending products.")
