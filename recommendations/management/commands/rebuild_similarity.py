"""``python manage.py rebuild_similarity``: recompute the similar items from every customer's purchases and every
shopper's recent views (the order.paid subscriber and the signal flush keep them current in between)."""

from django.core.management.base import BaseCommand

from recommendations import services


class Command(BaseCommand):
    help = "Recompute item-to-item similarity (bought by the same customers, viewed together) from scratch."

    def handle(self, *args, **options) -> None:
        counts = services.rebuild_similarity()
        self.stdout.write(", ".join(f"{count} {source} pairs" for source, count in counts.items()) + ".")
