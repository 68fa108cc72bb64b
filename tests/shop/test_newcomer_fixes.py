"""What a newcomer tripped over on the embedded default: e-mail links, the simulated carrier's clock, pages
past the end, a buyer on a seller page, static files cached in development."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import MiddlewareNotUsed
from django.test import RequestFactory
from django.urls import reverse
import pytest

from catalog import services as catalog_services
from inventory import services as inventory_services
from logistics import services as logistics_services
from logistics.models import Shipment
from shop import site
from shop.middleware import SimulatedCarrierMiddleware
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.sellers.factories import SellerFactory
from tests.shop.test_operations import run_django

pytestmark = pytest.mark.django_db


# --- Absolute links in e-mails -------------------------------------------------------------------------


def test_site_url_wins_when_set(settings):
    settings.SITE_URL = "https://bazaar.example"
    assert site.absolute_url("/orders/ord_1/") == "https://bazaar.example/orders/ord_1/"


def test_in_development_the_address_is_the_first_allowed_host_on_the_dev_server_port(settings):
    settings.DEBUG, settings.SITE_URL, settings.DEV_SERVER_PORT = True, "", 8000
    settings.ALLOWED_HOSTS = ["*", ".shop.test", "127.0.0.1"]
    assert site.absolute_url("/seller/alerts/") == "http://shop.test:8000/seller/alerts/"
    settings.ALLOWED_HOSTS = ["*"]
    assert site.site_url() == "http://127.0.0.1:8000"


def test_links_already_absolute_or_empty_are_left_alone(settings):
    settings.SITE_URL = "https://bazaar.example"
    assert site.absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert site.absolute_url("") == ""


def test_production_without_site_url_is_refused_by_the_system_check(settings):
    settings.DEBUG, settings.SITE_URL = False, ""
    [error] = site._site_url_is_set_in_production()
    assert error.id == "shop.E201"
    settings.SITE_URL = "https://bazaar.example"
    assert site._site_url_is_set_in_production() == []
    settings.DEBUG, settings.SITE_URL = True, ""
    assert site._site_url_is_set_in_production() == []


def test_the_low_stock_email_links_to_the_alerts_page_absolutely_in_development(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DEBUG, settings.SITE_URL, settings.DEV_SERVER_PORT = True, "", 8000
    settings.ALLOWED_HOSTS = ["localhost"]
    seller = SellerFactory(low_stock_threshold=3)
    variant = VariantFactory(product=ProductFactory(seller=seller, default_variant=False), stock=6)
    with django_capture_on_commit_callbacks(execute=True):
        inventory_services.hold_stock(reference="ord_1", quantities={variant.pk: 3})
    [email] = mailoutbox
    assert "All your alerts: http://localhost:8000/seller/alerts/ " in email.body
    assert 'href="http://localhost:8000/seller/alerts/"' in email.alternatives[0][0]


# --- The simulated carrier on its timer in development ------------------------------------------------


@pytest.fixture
def catch_up(settings):
    settings.SIMULATED_CARRIER_CATCH_UP = True
    settings.SIMULATED_CARRIER_STEP_SECONDS = 600
    return settings


@pytest.fixture
def shipped(catch_up, django_capture_on_commit_callbacks):
    """A parcel just handed to the simulated carrier, with eager Celery and the catch-up on."""
    shipment = ShipmentFactory()
    ShipmentLineFactory(shipment=shipment)
    with django_capture_on_commit_callbacks(execute=True):
        logistics_services.ship(seller=shipment.seller, shipment_id=shipment.pk, carrier="simulated")
    shipment.refresh_from_db()
    return shipment


def test_with_the_catch_up_marking_shipped_does_not_deliver_at_once(shipped):
    assert shipped.status == Shipment.Status.SHIPPED
    assert logistics_services.advance_due_simulated() == 0


def test_the_parcel_takes_each_step_when_it_falls_due_dated_when_it_was_due(shipped):
    step = dt.timedelta(seconds=600)
    assert logistics_services.advance_due_simulated(now=shipped.shipped_at + step * 1.5) == 1
    shipped.refresh_from_db()
    assert shipped.status == Shipment.Status.IN_TRANSIT

    assert logistics_services.advance_due_simulated(now=shipped.shipped_at + step * 5) == 2
    shipped.refresh_from_db()
    assert shipped.status == Shipment.Status.DELIVERED
    assert shipped.delivered_at == shipped.shipped_at + step * 3
    events = list(shipped.events.order_by("at").values_list("status", "at"))
    assert events == [
        ("shipped", shipped.shipped_at),
        ("in_transit", shipped.shipped_at + step),
        ("out_for_delivery", shipped.shipped_at + step * 2),
        ("delivered", shipped.shipped_at + step * 3),
    ]
    assert logistics_services.advance_due_simulated(now=shipped.shipped_at + step * 9) == 0


def test_the_middleware_catches_up_at_most_once_per_window(shipped, monkeypatch):
    calls = []
    monkeypatch.setattr(logistics_services, "advance_due_simulated", lambda: calls.append(1) or 0)
    middleware = SimulatedCarrierMiddleware(lambda request: "page")
    request = RequestFactory().get("/orders/")
    assert [middleware(request), middleware(request)] == ["page", "page"]
    assert calls == [1]


def test_the_middleware_is_not_installed_without_the_catch_up(settings):
    settings.SIMULATED_CARRIER_CATCH_UP = False
    with pytest.raises(MiddlewareNotUsed):
        SimulatedCarrierMiddleware(lambda request: "page")


def test_the_embedded_default_turns_the_catch_up_on_and_a_broker_turns_it_off():
    code = "from django.conf import settings; print(settings.SIMULATED_CARRIER_CATCH_UP)"
    assert run_django(code).stdout.split() == ["True"]
    assert run_django(code, CELERY_BROKER_URL="redis://127.0.0.1:6379/2").stdout.split() == ["False"]


# --- A page number past the end ------------------------------------------------------------------------


@pytest.fixture
def listed():
    seller = SellerFactory(store_name="Lonely Shelf")
    category = catalog_services.create_category(name="Lamps")
    catalog_services.create_product(
        seller=seller, name="Brass Lamp", price=Decimal("30.00"), quantity=2, category_id=category.pk
    )
    return seller


def test_a_search_page_past_the_end_goes_to_the_last_page(client, listed):
    response = client.get("/search?q=lamp&page=9")
    assert response.status_code == 302
    assert response["Location"] == "/search?q=lamp"


def test_a_store_page_past_the_end_goes_to_the_last_page(client, listed):
    response = client.get(f"/s/{listed.slug}/?page=4")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{listed.slug}/"


def test_paged_lists_of_a_signed_in_buyer_show_the_last_page(client):
    client.force_login(UserFactory())
    for url in ("/orders/?page=99", "/returns/?page=99", "/notifications/?page=99"):
        assert client.get(url).status_code == 200, url


# --- A buyer on a seller page --------------------------------------------------------------------------


def test_a_buyer_on_a_seller_page_is_shown_the_way_to_open_a_store(client):
    client.force_login(UserFactory())
    response = client.get("/seller/stock/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You don't have a store yet" in html
    assert 'class="btn btn-primary" href="/sell/"' in html


def test_a_visitor_on_a_seller_page_is_still_sent_to_sign_in(client):
    response = client.get("/seller/stock/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=/seller/stock/")


# --- Static files in development -----------------------------------------------------------------------

WHITENOISE_HEADERS = """
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware
middleware = WhiteNoiseMiddleware(lambda request: None)
response = middleware(RequestFactory().get("/static/css/store.css"))
print(middleware.max_age, response.status_code if response else None, response and response["Cache-Control"])
"""


def test_development_static_files_are_not_cached():
    result = run_django(WHITENOISE_HEADERS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split(maxsplit=2) == ["0", "200", "max-age=0, public"]


def test_production_keeps_the_long_cache():
    code = "from django.conf import settings; print(settings.WHITENOISE_MAX_AGE)"
    result = run_django(
        code, DEBUG="0", SECRET_KEY="x" * 60, SITE_URL="https://shop.example.com", METRICS_TOKEN="m" * 40
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(60 * 60 * 24 * 365)]
