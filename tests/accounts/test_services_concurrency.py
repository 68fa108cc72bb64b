"""Races on real PostgreSQL: the database, not a prior SELECT, decides who wins."""

import pytest

from accounts import services
from accounts.errors import EmailAlreadyRegistered
from accounts.models import Address, User
from sellers import services as seller_services
from sellers.errors import AlreadySeller, StoreNameTaken
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.concurrency import race as run_race

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def race(fn, n=THREADS):
    return run_race(fn, n)


def test_concurrent_sign_ups_with_one_email_create_one_account():
    results = race(lambda i: services.register_user(email="Race@Example.com", password="pw-12345678", name=f"R{i}"))
    assert sum(isinstance(r, User) for r in results) == 1
    assert all(isinstance(r, (User, EmailAlreadyRegistered)) for r in results)
    assert User.objects.filter(email="race@example.com").count() == 1


def test_concurrent_default_addresses_leave_exactly_one_default():
    user = UserFactory()
    fields = {"name": "A", "line1": "1 St", "city": "C", "postal_code": "1", "country": "US"}
    results = race(lambda i: services.add_address(user=user, is_default=True, **fields))
    assert all(isinstance(r, Address) for r in results)
    assert Address.objects.filter(user=user).count() == THREADS
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_concurrent_store_openings_with_one_name_open_one_store():
    users = UserFactory.create_batch(THREADS)
    results = race(lambda i: seller_services.become_seller(user=users[i], store_name="Same Name"))
    assert sum(isinstance(r, Seller) for r in results) == 1
    assert all(isinstance(r, (Seller, StoreNameTaken)) for r in results)


def test_one_user_opening_stores_twice_at_once_gets_one():
    user = UserFactory()
    results = race(lambda i: seller_services.become_seller(user=user, store_name=f"Store {i}"))
    assert sum(isinstance(r, Seller) for r in results) == 1
    assert all(isinstance(r, (Seller, AlreadySeller)) for r in results)
