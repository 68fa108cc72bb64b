"""Idempotency-Key on unsafe API requests (checkout and pay use it): a retry gets the first answer,
marked Idempotent-Replayed; the same key with another body is 409 idempotency_conflict."""

from datetime import timedelta
import json

from django.utils import timezone
import pytest

from orders.models import Order
from shop.api.idempotency import purge_expired_records
from shop.models import IdempotencyRecord
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import ADDRESS, checkout, client_for, fill_cart, pay

pytestmark = pytest.mark.django_db

KEY = {"Idempotency-Key": "3f1c2a9e-retry-me"}


@pytest.fixture
def buyer():
    buyer = UserFactory()
    fill_cart(buyer, (VariantFactory(stock=5), 2))
    return buyer


@pytest.fixture
def client(buyer):
    return client_for(buyer)


def test_a_retry_with_the_same_key_replays_the_first_answer_without_placing_another_order(client):
    first = checkout(client, headers=KEY)
    again = checkout(client, headers=KEY)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Order.objects.count() == 1


def test_a_retry_after_the_server_died_before_keeping_the_answer_finds_the_order_it_placed(client, buyer):
    """The record is stored after the checkout commits: a server killed in between leaves an order and no record.
    The retry (nginx passes it to another node) must find that order, not check out an empty cart."""
    first = checkout(client, headers=KEY)
    IdempotencyRecord.objects.all().delete()  # what the dead server never wrote

    again = checkout(client, headers=KEY)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert again["Location"] == first["Location"]
    assert Order.objects.filter(buyer=buyer).count() == 1
    another = checkout(client, headers={"Idempotency-Key": "a-new-checkout"})
    assert another.json()["code"] == "empty_cart"


def test_the_same_key_with_a_different_body_is_409_idempotency_conflict(client):
    checkout(client, headers=KEY)
    response = checkout(client, shipping_method="express", headers=KEY)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_conflict"
    assert Order.objects.count() == 1


def test_the_same_key_on_another_path_is_a_conflict(client):
    order_id = checkout(client, headers=KEY).json()["order"]["id"]
    response = pay(client, order_id, headers=KEY)
    assert response.json()["code"] == "idempotency_conflict"


def test_the_order_of_keys_in_the_body_does_not_matter(client):
    body = {"shipping_method": "standard", "shipping_address": ADDRESS}
    reordered = {"shipping_address": dict(reversed(list(ADDRESS.items()))), "shipping_method": "standard"}
    first = client.post("/api/v1/checkout", json.dumps(body), content_type="application/json", headers=KEY)
    again = client.post("/api/v1/checkout", json.dumps(reordered), content_type="application/json", headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_keys_are_per_user(client):
    other = UserFactory()
    fill_cart(other, (VariantFactory(stock=5), 1))
    first = checkout(client, headers=KEY)
    theirs = checkout(client_for(other), headers=KEY)
    assert (first.status_code, theirs.status_code) == (201, 201)
    assert not theirs.has_header("Idempotent-Replayed")
    assert Order.objects.count() == 2


def test_an_answer_to_malformed_input_is_not_kept_so_the_corrected_request_runs(client):
    assert checkout(client, shipping_method="teleport", headers=KEY).status_code == 400
    response = checkout(client, headers=KEY)
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")


def test_a_business_refusal_is_replayed_like_a_success(client):
    order_id = checkout(client).json()["order"]["id"]
    first = pay(client, order_id, "tok_chargeDeclined", headers=KEY)
    again = pay(client, order_id, "tok_chargeDeclined", headers=KEY)
    assert (first.status_code, again.status_code) == (402, 402)
    assert again["Content-Type"] == "application/problem+json"
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_requests_without_a_key_are_not_recorded(client):
    checkout(client)
    assert not IdempotencyRecord.objects.exists()


def test_a_key_longer_than_255_characters_is_a_400_naming_the_header(client):
    response = checkout(client, headers={"Idempotency-Key": "k" * 256})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Order.objects.exists()


def test_records_older_than_the_retention_are_ignored_and_purged(client, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    checkout(client, headers=KEY)
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    Order.objects.update(placed_at=timezone.now() - timedelta(hours=25))  # the order its key made, as old

    response = checkout(client, shipping_method="express", headers=KEY)  # a new request now, not a conflict

    assert response.json()["code"] == "empty_cart"
    assert IdempotencyRecord.objects.get().status_code == 400
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_expired_records() == 1
    assert not IdempotencyRecord.objects.exists()


def test_purging_keeps_records_within_the_retention(client):
    checkout(client, headers=KEY)
    assert purge_expired_records() == 0
    assert IdempotencyRecord.objects.count() == 1
