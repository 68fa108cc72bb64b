"""What checkout reads from the cart (inside the orders app's transaction) and removes once ordered."""

from decimal import Decimal

from django.db import transaction
import pytest

from cart import services
from cart.errors import EmptyCart, ItemsUnavailable
from cart.models import Cart, CartItem
from cart.selectors import CheckoutLine
from catalog import services as catalog_services
from tests.cart.conftest import variant_id
from tests.cart.factories import CartItemFactory

pytestmark = pytest.mark.django_db


def users_cart_id(user) -> int:
    return Cart.objects.get_or_create(user=user)[0].pk


def test_checkout_lines_are_the_lines_in_the_cart_at_todays_prices(buyer, mug, shoe, seller):
    cart_id = users_cart_id(buyer)
    services.add_to_cart(cart_id=cart_id, product_id=shoe.pk, quantity=2, options={"size": "S", "color": "Red"})
    saved = services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=1)
    services.set_saved_for_later(cart_id=cart_id, item_id=saved.pk, saved=True)
    catalog_services.update_variant(product_id=shoe.pk, sku="SHOE-S-RED", actor=seller.user, price=Decimal("45.00"))

    with transaction.atomic():
        lines = services.checkout_lines(user=buyer)

    item = CartItem.objects.get(variant_id=variant_id(shoe, "SHOE-S-RED"))
    assert lines == [
        CheckoutLine(
            item_id=item.pk,
            variant_id=item.variant_id,
            product_id=shoe.pk,
            seller_id=seller.pk,
            product_name="Trail Shoe",
            sku="SHOE-S-RED",
            options={"color": "Red", "size": "S"},
            unit_price=Decimal("45.00"),
            quantity=2,
        )
    ]


def test_checkout_of_an_empty_or_missing_cart_raises_empty_cart(buyer, mug):
    with pytest.raises(EmptyCart), transaction.atomic():
        services.checkout_lines(user=buyer)
    cart_id = users_cart_id(buyer)
    saved = services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=1)
    services.set_saved_for_later(cart_id=cart_id, item_id=saved.pk, saved=True)

    with pytest.raises(EmptyCart) as error, transaction.atomic():
        services.checkout_lines(user=buyer)

    assert (error.value.status, error.value.code) == (400, "empty_cart")


def test_checkout_names_every_line_whose_product_is_no_longer_sold(buyer, mug, shoe, seller):
    cart_id = users_cart_id(buyer)
    services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=1)
    services.add_to_cart(cart_id=cart_id, product_id=shoe.pk, quantity=1, sku="SHOE-L-BLUE")
    catalog_services.archive_product(product_id=mug.pk, actor=seller.user)

    with pytest.raises(ItemsUnavailable) as error, transaction.atomic():
        services.checkout_lines(user=buyer)

    assert (error.value.status, error.value.code) == (409, "items_unavailable")
    assert error.value.lines == [
        {
            "item_id": CartItem.objects.get(variant__product=mug).pk,
            "variant_id": variant_id(mug),
            "product_id": mug.pk,
            "name": "Blue Mug",
        }
    ]


def test_remove_checked_out_removes_only_the_users_given_lines(buyer, mug, shoe):
    cart_id = users_cart_id(buyer)
    ordered = services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=1)
    kept = services.add_to_cart(cart_id=cart_id, product_id=shoe.pk, quantity=1, sku="SHOE-L-BLUE")
    someone_elses = CartItemFactory()

    with transaction.atomic():
        services.remove_checked_out(user=buyer, item_ids=[ordered.pk, someone_elses.pk])

    assert set(CartItem.objects.values_list("pk", flat=True)) == {kept.pk, someone_elses.pk}
