"""``python manage.py payouts --period 2026-W49``: release what is due, then pay every seller for that week."""

from django.core.management.base import BaseCommand, CommandError

from ledger import services
from ledger.errors import InvalidPeriod


class Command(BaseCommand):
    help = "Create and send one payout per seller with money available, for an ISO week (default: the last one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="ISO week, e.g. 2026-W49 (default: the week before this one).")

    def handle(self, *args, period: str | None = None, **options) -> None:
        period = period or services.previous_period()
        try:
            services.parse_period(period)
        except InvalidPeriod as exc:
            raise CommandError(exc.message) from None
        released = services.release_funds()
        payouts = services.run_payouts(period=period)
        total = sum(p.amount for p in payouts)
        self.stdout.write(f"{released} lines released; {len(payouts)} payouts for {period}, {total} in all.")
        for payout in payouts:
            payout.refresh_from_db()
            self.stdout.write(f"  {payout.pk} seller {payout.seller_id}: {payout.amount} {payout.status}")
