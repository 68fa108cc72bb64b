"""A guest's cart joins the user's cart at sign-in: quantities add up, capped at what is available."""

from django.test import Client
import pytest

from cart import services
from cart.models import Cart, CartItem
from inventory import services as inventory_services
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.cart.conftest import variant_id

pytestmark = pytest.mark.django_db


def guest_adds(guest: Client, product, quantity: int, **options) -> None:
    body = {"quantity": quantity, **({"otherDetails": options} if options else {})}
    response = guest.post(f"/api/v1/cart/{product.pk}", body, content_type="application/json")
    assert response.status_code == 201, response.content


def sign_in(client: Client, user):
    """Through the real sign-in page, as a person would."""
    response = client.post("/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content
    return response


def users_lines(user) -> dict[int, tuple[int, bool]]:
    return {item.variant_id: (item.quantity, item.saved_for_later) for item in CartItem.objects.filter(cart__user=user)}


def user_cart_id(user) -> int:
    return Cart.objects.get_or_create(user=user)[0].pk


def test_signing_in_merges_the_guest_cart_into_the_users_cart(buyer, mug, shoe):
    services.add_to_cart(cart_id=user_cart_id(buyer), product_id=mug.pk, quantity=1)
    guest = Client()
    guest_adds(guest, mug, 2)
    guest_adds(guest, shoe, 1, size="L", color="Blue")

    sign_in(guest, buyer)

    assert users_lines(buyer) == {variant_id(mug): (3, False), variant_id(shoe, "SHOE-L-BLUE"): (1, False)}
    assert Cart.objects.count() == 1  # the guest cart is gone
    body = guest.get("/api/v1/cart").json()
    assert [(line["name"], line["quantity"]) for line in body["products"]] == [("Blue Mug", 3), ("Trail Shoe", 1)]


def test_merged_quantities_are_capped_at_what_is_available(buyer, shoe):
    services.add_to_cart(cart_id=user_cart_id(buyer), product_id=shoe.pk, quantity=3, sku="SHOE-S-RED")
    guest = Client()
    guest_adds(guest, shoe, 3, size="S", color="Red")  # 4 available: 3 + 3 would be 6

    sign_in(guest, buyer)

    assert users_lines(buyer) == {variant_id(shoe, "SHOE-S-RED"): (4, False)}


def test_the_merge_never_lowers_the_users_own_line(buyer, mug):
    services.add_to_cart(cart_id=user_cart_id(buyer), product_id=mug.pk, quantity=4)
    guest = Client()
    guest_adds(guest, mug, 1)
    inventory_services.set_on_hand(variant_id=variant_id(mug), quantity=2)

    sign_in(guest, buyer)

    assert users_lines(buyer) == {variant_id(mug): (4, False)}


def test_a_guest_line_with_nothing_left_is_kept_saved_for_later(buyer, mug):
    guest = Client()
    guest_adds(guest, mug, 2)
    inventory_services.set_on_hand(variant_id=variant_id(mug), quantity=0)

    sign_in(guest, buyer)

    assert users_lines(buyer) == {variant_id(mug): (2, True)}


def test_a_guest_line_is_capped_when_the_stock_fell_since_it_was_added(buyer, mug):
    guest = Client()
    guest_adds(guest, mug, 4)
    inventory_services.set_on_hand(variant_id=variant_id(mug), quantity=3)

    sign_in(guest, buyer)

    assert users_lines(buyer) == {variant_id(mug): (3, False)}


def test_saved_for_later_lines_of_the_guest_come_along_saved(buyer, mug):
    guest = Client()
    guest_adds(guest, mug, 1)
    item_id = CartItem.objects.get().pk
    guest.patch(f"/api/v1/cart/items/{item_id}", {"saved_for_later": True}, content_type="application/json")

    sign_in(guest, buyer)

    assert users_lines(buyer) == {variant_id(mug): (1, True)}


def test_signing_up_also_merges_the_guest_cart(mug):
    guest = Client()
    guest_adds(guest, mug, 2)

    response = guest.post(
        "/accounts/signup/", {"name": "New Buyer", "email": "new@example.com", "password": "s3cure-enough-pass"}
    )

    assert response.status_code == 302
    assert guest.get("/api/v1/cart").json()["count"] == 2
    assert Cart.objects.get().user.email == "new@example.com"


def test_a_sign_in_without_a_guest_cart_leaves_the_users_cart_alone(buyer, mug):
    services.add_to_cart(cart_id=user_cart_id(buyer), product_id=mug.pk, quantity=2)

    sign_in(Client(), buyer)

    assert users_lines(buyer) == {variant_id(mug): (2, False)}


def test_merging_the_same_guest_cart_twice_merges_it_once(buyer, mug):
    guest = Client()
    guest_adds(guest, mug, 2)
    guest_cart_id = Cart.objects.get(user=None).pk

    services.merge_guest_cart(user=buyer, guest_cart_id=guest_cart_id)
    services.merge_guest_cart(user=buyer, guest_cart_id=guest_cart_id)

    assert users_lines(buyer) == {variant_id(mug): (2, False)}


def test_another_users_cart_is_never_merged_as_if_it_were_a_guests(buyer, mug):
    from tests.accounts.factories import UserFactory

    other = UserFactory()
    services.add_to_cart(cart_id=user_cart_id(other), product_id=mug.pk, quantity=1)

    services.merge_guest_cart(user=buyer, guest_cart_id=user_cart_id(other))

    assert users_lines(buyer) == {}
    assert users_lines(other) == {variant_id(mug): (1, False)}
