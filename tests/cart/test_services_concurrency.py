"""Two devices changing one cart at the same moment never lose an item or a unit (real PostgreSQL, threads)."""

from collections import Counter

from django.test import Client
import pytest

from cart.models import Cart, CartItem
from tests.accounts.factories import UserFactory
from tests.cart.conftest import make_product
from tests.concurrency import race
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def signed_in_sessions(user, n: int) -> list[Client]:
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_concurrent_adds_from_several_sessions_of_one_user_keep_every_item_and_unit():
    seller = SellerFactory()
    mug = make_product(seller, "Mug", quantity=50)
    lamp = make_product(seller, "Lamp", quantity=50)
    user = UserFactory()  # no cart yet: the first adds also race to start it
    sessions = signed_in_sessions(user, THREADS)

    def add(i):
        product = mug if i % 2 == 0 else lamp
        return sessions[i].post(f"/api/v1/cart/{product.pk}", {"quantity": 1}, content_type="application/json")

    results = race(add, THREADS)

    assert [getattr(r, "status_code", r) for r in results] == [201] * THREADS
    cart = Cart.objects.get(user=user)
    quantities = dict(CartItem.objects.filter(cart=cart).values_list("variant__product__name", "quantity"))
    assert quantities == {"Mug": THREADS // 2, "Lamp": THREADS // 2}


def test_concurrent_adds_of_the_last_units_never_put_more_in_the_cart_than_is_available():
    seller = SellerFactory()
    mug = make_product(seller, "Mug", quantity=3)
    user = UserFactory()
    sessions = signed_in_sessions(user, THREADS)

    def add(i):
        return sessions[i].post(f"/api/v1/cart/{mug.pk}", {"quantity": 1}, content_type="application/json")

    results = race(add, THREADS)

    assert Counter(getattr(r, "status_code", r) for r in results) == {201: 3, 409: THREADS - 3}
    assert CartItem.objects.get(cart__user=user).quantity == 3
