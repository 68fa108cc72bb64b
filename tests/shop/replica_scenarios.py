"""The read replica through the router, for real: run in a child process (tests/shop/test_db_router.py starts it)
whose Django has DATABASE_URL on a PostgresPair's primary and DATABASE_REPLICA_URL on its streaming replica.

``run_scenarios()`` migrates the primary, makes a product, lags the replica on purpose (replay paused), changes the
price as its seller, and reports what each kind of visitor read through Django's test client (the real middleware,
views and router), and how many queries each read sent to the replica.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def run_scenarios() -> dict:
    """In the child: migrate the pair's primary, make a product, lag the replica on purpose, change the price."""
    import time

    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connections, transaction
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import RefreshToken

    from cart import services as cart_services
    from catalog.models import Variant
    from shop.db_router import replica_reads
    from tests.accounts.factories import UserFactory
    from tests.catalog.factories import ProductFactory
    from tools.pg_replica import PostgresPair

    seen: dict = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    seen["migrate_seconds"] = round(time.monotonic() - started, 1)
    base_dir, primary_port, replica_port = json.loads(os.environ["PG_PAIR"])
    pair = PostgresPair(Path(base_dir), primary_port, replica_port)

    product = ProductFactory(name="Lagging Lamp", price=Decimal("41.00"))
    variant = product.variants.get()
    seller = product.seller.user
    buyer = UserFactory()
    basket = RequestFactory().get("/")
    basket.user, basket.session = buyer, {}
    cart_services.add_to_cart(
        cart_id=cart_services.cart_id_for(request=basket, create=True), product_id=product.pk, quantity=1
    )
    pair.wait_for_replay(timeout=30)

    writer = Client()
    writer.force_login(seller)
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(seller).access_token}")
    shopper = Client()
    shopper.force_login(buyer)
    anonymous = Client()
    detail, page = f"/api/v1/products/{product.pk}", f"/p/{product.pk}/"

    def api_price(client: Client) -> str:
        response = client.get(detail)
        assert response.status_code == 200, response.content[:500]
        return response.json()["variants"][0]["price"]

    def shown(client: Client, path: str) -> list[str]:
        content = client.get(path, follow=True).content.decode()
        return [price for price in ("41.00", "57.00") if price in content]

    def replica_queries(read) -> int:
        with CaptureQueriesContext(connections["replica"]) as queries:
            read()
        return len(queries)

    seen["before"] = {
        "anonymous": api_price(anonymous),
        "replica_queries": replica_queries(lambda: api_price(anonymous)),
    }
    pair.pause_replay()
    try:
        change = writer.patch(f"{detail}/variants/{variant.sku}", {"price": "57.00"}, content_type="application/json")
        seen["change"] = {"status": change.status_code, "pinned": "replica_pin" in change.cookies}
        seen["primary_price"] = str(Variant.objects.get(pk=variant.pk).price)
        # (a) Anyone who did not write reads the replica, which has not replayed the change yet.
        seen["anonymous_lagging"] = {
            "api": api_price(anonymous),
            "page": shown(anonymous, page),
            "search_api": shown(anonymous, "/api/v1/products?q=lagging"),
            "replica_queries": replica_queries(lambda: api_price(anonymous)),
        }
        seen["shopper_product_page"] = shown(shopper, page)
        # (b) The writer is pinned to the primary: their session (cookie) and their bearer-token client (no cookies).
        seen["writer"] = {
            "api": api_price(writer),
            "page": shown(writer, page),
            "bearer_api": api_price(bearer),
            "replica_queries": replica_queries(lambda: api_price(writer)),
        }
        # (c) Cart and checkout read the primary, for a shopper who is not pinned.
        seen["cart"] = {
            "shown": shown(shopper, "/cart/"),
            "replica_queries": replica_queries(lambda: shopper.get("/cart/")),
        }
        seen["checkout"] = {
            "shown": shown(shopper, "/checkout/"),
            "replica_queries": replica_queries(lambda: shopper.get("/checkout/")),
        }
        # Inside a transaction a replica scope reads the primary.
        with replica_reads():
            outside = str(Variant.objects.get(pk=variant.pk).price)
            with transaction.atomic():
                inside = str(Variant.objects.get(pk=variant.pk).price)
        seen["scope"] = {"outside_transaction": outside, "inside_transaction": inside}
    finally:
        pair.resume_replay()
    # (d) Once the replica has replayed, the anonymous read shows the new price.
    pair.wait_for_replay(timeout=30)
    seen["anonymous_caught_up"] = {"api": api_price(anonymous), "page": shown(anonymous, page)}
    return seen
