"""Signed-in pages from shared pieces (shop.public_cache.piece) and cached cards (shop/fragments.py): what is
the same for everyone is computed once per product version; nothing personal ever lands in a shared entry, and
no write is followed by a stale page."""

from decimal import Decimal
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
import pytest

from cart import services as cart_services
from catalog import services
from inventory import services as inventory_services
from tests.accounts.factories import UserFactory
from tests.catalog.test_pages import add_fake_image, make_category, make_product, page_text
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

# A signed-in buyer on a product page whose shared pieces are cached: session, user, stock of its variants,
# whether they reviewed or received it, the cart badge (the header's store link comes with the user).
WARM_PRODUCT_QUERIES = 5
WARM_API_DETAIL_QUERIES = 2  # the token's user, the variants' stock


@pytest.fixture
def seller():
    return SellerFactory(store_name="Lamp House")


@pytest.fixture
def lamp(seller):
    return make_product(seller, "Desk Lamp", category=make_category("Lighting"), price="20.00", quantity=5)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def header_name(html: str) -> str:
    return re.search(r'data-testid="header-user-name">([^<]*)<', html).group(1)


def cart_badge(html: str) -> int:
    return int(re.search(r'id="cart-badge"[^>]*><span class="visually-hidden">Cart, </span>(\d+)<', html).group(1))


def test_two_shoppers_never_see_each_others_name_or_cart_on_a_cached_product_page(lamp):
    ann, bob = UserFactory(name="Ann Archer"), UserFactory(name="Bob Baker")
    cart_services.add_to_cart(cart_id=cart_services.user_cart_id(user=ann), product_id=lamp.pk, quantity=3)
    url = f"/p/{lamp.pk}-desk-lamp/"

    first = signed_in(ann).get(url).content.decode()
    second = signed_in(bob).get(url).content.decode()  # the shared pieces Ann's visit stored

    assert (header_name(first), header_name(second)) == ("Ann", "Bob")
    assert (cart_badge(first), cart_badge(second)) == (3, 0)
    assert "Ann" not in second


def test_staff_and_buyer_each_get_their_own_header_from_the_same_pieces(lamp):
    staff, buyer = UserFactory(name="Stella Staff", is_staff=True), UserFactory(name="Ben Buyer")
    url = f"/p/{lamp.pk}-desk-lamp/"

    as_staff = signed_in(staff).get(url).content.decode()
    as_buyer = signed_in(buyer).get(url).content.decode()

    assert "/admin/" in as_staff
    assert "/admin/" not in as_buyer
    assert "Stella" not in as_buyer


def test_a_warm_product_page_for_a_signed_in_buyer_takes_a_fixed_number_of_queries(lamp, django_assert_max_num_queries):
    client = signed_in(UserFactory())
    url = f"/p/{lamp.pk}-desk-lamp/"
    client.get(url)

    with django_assert_max_num_queries(WARM_PRODUCT_QUERIES):
        assert client.get(url).status_code == 200


def test_a_price_change_shows_at_once_on_a_cached_product_page(lamp, seller):
    client = signed_in(UserFactory())
    url = f"/p/{lamp.pk}-desk-lamp/"
    assert "$20.00" in page_text(client.get(url))

    services.update_product(product_id=lamp.pk, actor=seller.user, price=Decimal("35.00"))

    text = page_text(client.get(url))
    assert "$35.00" in text
    assert "$20.00" not in text


def test_a_sale_of_the_last_unit_shows_at_once_although_the_body_is_cached(lamp, seller):
    client = signed_in(UserFactory())
    url = f"/p/{lamp.pk}-desk-lamp/"
    assert "Add to cart" in page_text(client.get(url))

    variant = lamp.variants.get()
    inventory_services.adjust_on_hand(variant_id=variant.pk, delta=-5, note="counted", actor=seller.user)

    assert "Sold out" in page_text(client.get(url))


def test_a_write_to_one_product_keeps_the_other_products_pieces(lamp, seller):
    other = make_product(seller, "Floor Lamp", price="50.00")
    client = signed_in(UserFactory())
    client.get(f"/p/{other.pk}-floor-lamp/")
    with CaptureQueriesContext(connection) as warm:
        client.get(f"/p/{other.pk}-floor-lamp/")

    services.update_product(product_id=lamp.pk, actor=seller.user, price=Decimal("21.00"))

    with CaptureQueriesContext(connection) as after:
        client.get(f"/p/{other.pk}-floor-lamp/")
    assert len(after) == len(warm)


def test_a_store_wide_catalog_write_renews_every_piece(lamp, seller):
    """A category rename (no product named) shows on pages whose pieces were cached before it."""
    client = signed_in(UserFactory())
    url = f"/p/{lamp.pk}-desk-lamp/"
    client.get(url)

    services.rename_category(category_id=lamp.category_id, name="Lamps and lights")

    assert "Lamps and lights" in page_text(client.get(url))


def test_a_new_review_shows_at_once_on_a_cached_page(lamp):
    from tests.catalog.factories import verified_buyer

    client = signed_in(UserFactory())
    url = f"/p/{lamp.pk}-desk-lamp/"
    client.get(url)

    services.write_review(product_id=lamp.pk, user=verified_buyer(lamp), rating=5, title="Bright and steady")

    assert "Bright and steady" in page_text(client.get(url))


def test_a_draft_cached_for_its_owner_is_still_not_found_for_anyone_else(seller):
    draft = make_product(seller, "Secret Lamp", status="draft")
    owner = signed_in(seller.user)
    assert owner.get(f"/p/{draft.pk}-secret-lamp/").status_code == 200
    assert owner.get(f"/api/v1/products/{draft.pk}").status_code == 200

    stranger = signed_in(UserFactory())
    assert stranger.get(f"/p/{draft.pk}-secret-lamp/").status_code == 404
    assert stranger.get(f"/api/v1/products/{draft.pk}").status_code == 404


def test_the_api_detail_keeps_the_owners_stock_settings_out_of_the_shared_piece(lamp, seller):
    buyer = signed_in(UserFactory())
    owner = signed_in(seller.user)

    assert "low_stock_threshold" not in buyer.get(f"/api/v1/products/{lamp.pk}").json()
    assert "low_stock_threshold" in owner.get(f"/api/v1/products/{lamp.pk}").json()
    assert "low_stock_threshold" not in buyer.get(f"/api/v1/products/{lamp.pk}").json()


def test_the_api_detail_shows_this_moments_stock_from_a_cached_piece(lamp, seller, api_client):
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/products/{lamp.pk}").json()["variants"][0]["available"] == 5

    variant = lamp.variants.get()
    inventory_services.adjust_on_hand(variant_id=variant.pk, delta=-5, note="counted", actor=seller.user)

    body = api_client.get(f"/api/v1/products/{lamp.pk}").json()
    assert (body["variants"][0]["available"], body["in_stock"]) == (0, False)


def test_a_warm_api_detail_takes_a_fixed_number_of_queries(lamp, api_client, django_assert_max_num_queries):
    api_client.force_authenticate(UserFactory())
    api_client.get(f"/api/v1/products/{lamp.pk}")

    with django_assert_max_num_queries(WARM_API_DETAIL_QUERIES):
        assert api_client.get(f"/api/v1/products/{lamp.pk}").status_code == 200


def test_a_renamed_product_never_shows_its_old_cached_card(lamp, seller):
    client = signed_in(UserFactory())
    url = "/c/lighting/"
    assert "Desk Lamp" in page_text(client.get(url))

    services.update_product(product_id=lamp.pk, actor=seller.user, name="Reading Lamp")

    text = page_text(client.get(url))
    assert "Reading Lamp" in text
    assert "Desk Lamp" not in text


def test_the_review_form_stays_out_of_the_shared_piece(lamp):
    from tests.catalog.factories import verified_buyer

    url = f"/p/{lamp.pk}-desk-lamp/"
    reviewer = signed_in(verified_buyer(lamp))
    assert "Write a review" in page_text(reviewer.get(url))
    assert "Be the first" in page_text(reviewer.get(url))

    other = page_text(signed_in(UserFactory()).get(url))
    assert "Write a review" not in other
    assert "Be the first" not in other


def test_a_new_picture_shows_at_once_in_a_cached_gallery(lamp, seller):
    client = signed_in(UserFactory())
    url = f"/p/{lamp.pk}-desk-lamp/"
    client.get(url)

    add_fake_image(lamp)
    services.sync_product(product_id=lamp.pk, actor=seller.user)  # how the admin reports a direct change

    assert f"products/{lamp.pk}/0.jpg" in client.get(url).content.decode()
