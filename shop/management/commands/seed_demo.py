"""Demo data for local use: the demo buyer and seller, a demo catalog of ``--products`` products, and
the demo buyer's and seller's orders (placed, shipped, delivered, a cancelled item, a return to handle)
and a low-stock alert.

Idempotent and deterministic: a rerun with the same or a smaller number adds nothing, a larger one
adds only the missing products. The catalog is bulk-loaded by the apps' ``demo`` modules; the orders
are made through the real use cases (orders.demo), once.
"""

import contextlib
import logging
import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from tqdm import tqdm

from accounts import demo as account_demo
from accounts import selectors as account_selectors
from accounts import services as account_services
from catalog import demo as catalog_demo
from ledger import demo as ledger_demo
from orders import demo as order_demo
from recommendations import demo as recommendation_demo
from recommendations import services as recommendation_services
from sellers import demo as seller_demo
from sellers import selectors as seller_selectors
from sellers import services as seller_services
from shop import public_cache

# Local demo credentials only; they are printed and listed in the README.
DEMO_BUYER = {"email": "buyer@example.com", "password": "demo-buyer-pass", "name": "Dana Buyer"}  # nosec B105  # demo only
DEMO_SELLER = {"email": "seller@example.com", "password": "demo-seller-pass", "name": "Sam Seller"}  # nosec B105  # demo only
DEMO_STORE = {"store_name": "Sam's Goods", "description": "Everyday things, well made."}
DEMO_STORE_SELLS = ("home-kitchen", "sports-outdoors")
DEMO_ADDRESS = {
    "name": "Dana Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
    "phone": "+1 555 0100",
}
# The generated shoppers (who write the reviews) and store owners share the two passwords above.
SHOPPERS = {"count": 200, "email_format": "shopper{n:03d}@example.com", "seed": "demo-shoppers"}
STORE_OWNERS = {
    "count": len(seller_demo.DEMO_STORES),
    "email_format": "store{n:02d}@example.com",
    "seed": "demo-stores",
}
DEFAULT_PRODUCTS = 2000


@contextlib.contextmanager
def _without_info_logs():
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


class Command(BaseCommand):
    help = "Create the demo accounts and a demo catalog of --products products. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=DEFAULT_PRODUCTS,
            help=f"Products in the demo catalog (default {DEFAULT_PRODUCTS}; 0: the demo accounts only).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--no-purchase-histories",
            dest="purchase_histories",
            action="store_false",
            help="Skip the shoppers' structured purchase histories the recommendations learn from.",
        )

    def handle(
        self, *args, products: int = DEFAULT_PRODUCTS, quiet: bool = False, purchase_histories: bool = True, **options
    ):
        steps = [("demo buyer", self._buyer), ("demo seller", self._seller)]
        created = []
        with tqdm(total=len(steps), desc="Seeding demo data", unit="step", disable=quiet) as bar:
            for label, step in steps:
                bar.set_postfix_str(label)
                if step():
                    created.append(label)
                bar.update()
        if products > 0:
            created.extend(self._catalog(products=products, quiet=quiet))
            # Bulk loaders bypass the services: drop any cached public answers showing the old catalog.
            public_cache.bump("catalog")
            public_cache.bump("stock")
            if orders := self._orders():
                created.append(f"{orders} demo orders")
                if payouts := ledger_demo.pay_out_delivered_demo_lines():
                    created.append(f"{payouts} demo payouts")
            if purchase_histories and (baskets := self._purchase_histories()):
                created.append(f"{baskets} demo shopping baskets learnt by the recommendations")
            recommendation_services.refresh_trending()  # the home page's "trending" from the demo sales at once
        self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(created)}" if created else "Demo data present."))
        self.stdout.write(
            "Demo accounts (local demos only):\n"
            f"  buyer   {DEMO_BUYER['email']} / {DEMO_BUYER['password']}\n"
            f"  seller  {DEMO_SELLER['email']} / {DEMO_SELLER['password']}"
        )
        if products > 0:
            self.stdout.write(
                "  (the other demo stores, store01..19@example.com, and the shoppers who wrote the reviews,\n"
                "  shopper001..200@example.com, use the same passwords as the seller and the buyer)"
            )

    def _user(self, account: dict):
        """The demo user, created if missing; returns (user, created)."""
        user = account_selectors.user_by_email(email=account["email"])
        if user is not None:
            account_services.mark_email_verified(user=user)  # the demo people may sell
            return user, False
        return account_services.register_user(**account, email_verified=True), True

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

    def _orders(self) -> int:
        """The demo buyer's and seller's orders (once); returns how many were made."""
        buyer = account_selectors.user_by_email(email=DEMO_BUYER["email"])
        seller = seller_selectors.seller_for_user(user=account_selectors.user_by_email(email=DEMO_SELLER["email"]))
        shoppers = {email: account_selectors.user_by_email(email=email) for email in order_demo.SHOPPER_EMAILS}
        # The notifications are kept for the pages; their e-mails (to example.com addresses) are not sent,
        # and the use cases' info lines (one per event handled) would bury the summary below.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), _without_info_logs():
            return order_demo.seed_order_history(buyer=buyer, seller=seller, shoppers=shoppers)

    def _purchase_histories(self) -> int:
        """The generated shoppers' structured purchase histories, taught to the recommendations (once)."""
        shopper_ids = account_demo.ensure_users(
            people=account_demo.demo_people(**SHOPPERS), password=DEMO_BUYER["password"]
        )
        return recommendation_demo.learn_demo_history(shoppers=sorted(shopper_ids.values()))

    def _catalog(self, *, products: int, quiet: bool) -> list[str]:
        """Shoppers, stores and the demo catalog; returns what it added."""
        added = []
        shoppers = account_demo.demo_people(**SHOPPERS)
        shopper_ids = account_demo.ensure_users(people=shoppers, password=DEMO_BUYER["password"])
        owners = account_demo.demo_people(**STORE_OWNERS)
        owner_ids = account_demo.ensure_users(people=owners, password=DEMO_SELLER["password"])
        stores = [
            (owner_ids[person.email], person.email, store)
            for person, store in zip(owners, seller_demo.DEMO_STORES, strict=True)
        ]
        seller_ids = seller_demo.ensure_sellers(owners=stores)
        sam = seller_selectors.seller_for_user(user=account_selectors.user_by_email(email=DEMO_SELLER["email"]))
        sellers = [catalog_demo.DemoSeller(seller_id=sam.pk, user_id=sam.user_id, sells=DEMO_STORE_SELLS)]
        sellers += [
            catalog_demo.DemoSeller(seller_id=seller_ids[user_id], user_id=user_id, sells=store.sells)
            for user_id, _, store in stores
            if user_id in seller_ids
        ]
        started = time.monotonic()
        with tqdm(desc="Demo catalog", unit="product", disable=quiet, smoothing=0.1) as bar:
            result = catalog_demo.load_catalog(
                products=products,
                sellers=sellers,
                reviewers=[shopper_ids[person.email] for person in shoppers],
                on_start=lambda total: setattr(bar, "total", total) or bar.refresh(),
                progress=bar.update,
            )
        if result.categories_created:
            added.append(f"{result.categories_created} categories")
        if result.products_created:
            added.append(
                f"{result.products_created} products in {time.monotonic() - started:.1f} s"
                f" ({result.pictures_made} pictures drawn)"
            )
        return added
