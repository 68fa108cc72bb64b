"""Demo data for local use: the demo buyer and seller (later issues add the catalog). Idempotent."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from accounts import selectors as account_selectors
from accounts import services as account_services
from sellers import selectors as seller_selectors
from sellers import services as seller_services

# Local demo credentials only; they are printed and listed in the README.
DEMO_BUYER = {"email": "buyer@example.com", "password": "demo-buyer-pass", "name": "Dana Buyer"}
DEMO_SELLER = {"email": "seller@example.com", "password": "demo-seller-pass", "name": "Sam Seller"}
DEMO_STORE = {"store_name": "Sam's Goods", "description": "Everyday things, well made."}
DEMO_ADDRESS = {
    "name": "Dana Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
    "phone": "+1 555 0100",
}


class Command(BaseCommand):
    help = "Create the demo accounts (and, as the store grows, its demo catalog). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, quiet: bool = False, **options):
        steps = [("demo buyer", self._buyer), ("demo seller", self._seller)]
        created = []
        with tqdm(total=len(steps), desc="Seeding demo data", unit="step", disable=quiet) as bar:
            for label, step in steps:
                bar.set_postfix_str(label)
                if step():
                    created.append(label)
                bar.update()
        self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(created)}" if created else "Demo data present."))
        self.stdout.write(
            "Demo accounts (local demos only):\n"
            f"  buyer   {DEMO_BUYER['email']} / {DEMO_BUYER['password']}\n"
            f"  seller  {DEMO_SELLER['email']} / {DEMO_SELLER['password']}"
        )

    def _user(self, account: dict):
        """The demo user, created if missing; returns (user, created)."""
        user = account_selectors.user_by_email(email=account["email"])
        if user is not None:
            return user, False
        return account_services.register_user(**account), True

    def _buyer(self) -> bool:
        user, created = self._user(DEMO_BUYER)
        if not account_selectors.addresses_for(user=user).exists():
            account_services.add_address(user=user, **DEMO_ADDRESS)
            created = True
        return created

    def _seller(self) -> bool:
        user, created = self._user(DEMO_SELLER)
        if seller_selectors.seller_for_user(user=user) is None:
            seller_services.become_seller(user=user, **DEMO_STORE)
            created = True
        return created
