"""The real purchase flow, committed as in production (eager workers): checkout and payment through the API
notify the buyer twice (placed, confirmed) and each of the two sellers once, with one e-mail each."""

from collections import Counter

from django.core import mail
import pytest

from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart, pay

Kind = Notification.Kind


@pytest.mark.django_db(transaction=True)
def test_checkout_and_payment_notify_the_buyer_and_each_seller_once():
    mail.outbox = []
    buyer = UserFactory()
    mug, tea = VariantFactory(stock=50), VariantFactory(stock=50)  # well above any low-stock threshold
    fill_cart(buyer, (mug, 2), (tea, 1))
    client = client_for(buyer)

    placed = checkout(client)
    assert placed.status_code == 201, placed.content
    order_id = placed.json()["order"]["id"]
    paid = pay(client, order_id)
    assert paid.status_code == 200, paid.content

    kinds = Counter(Notification.objects.values_list("user_id", "kind"))
    assert kinds == {
        (buyer.pk, Kind.ORDER_PLACED): 1,
        (buyer.pk, Kind.ORDER_PAID): 1,
        (mug.product.seller.user_id, Kind.NEW_SALE): 1,
        (tea.product.seller.user_id, Kind.NEW_SALE): 1,
    }
    assert Counter(m.to[0] for m in mail.outbox) == {
        buyer.email: 2,
        mug.product.seller.contact_email: 1,
        tea.product.seller.contact_email: 1,
    }
    assert set(Notification.objects.filter(user=buyer).values_list("url", flat=True)) == {f"/orders/{order_id}/"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlimited_holds")  # most of a small stock
def test_a_sale_that_leaves_stock_low_notifies_the_seller_in_app_once():
    buyer = UserFactory()
    mug = VariantFactory(stock=3)
    fill_cart(buyer, (mug, 2))
    client = client_for(buyer)

    order_id = checkout(client).json()["order"]["id"]
    pay(client, order_id)

    low = Notification.objects.get(kind=Kind.STOCK_LOW)
    assert low.user_id == mug.product.seller.user_id
    assert low.title == f"Low stock: {mug.product.name} ({mug.sku})"
    assert low.url == "/seller/alerts/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlimited_holds")  # most of a small stock
def test_a_low_stock_alert_reaches_the_seller_in_one_email_only():
    mail.outbox = []
    buyer = UserFactory()
    mug = VariantFactory(stock=3)
    fill_cart(buyer, (mug, 2))

    checkout(client_for(buyer))

    assert Notification.objects.filter(kind=Kind.STOCK_LOW).count() == 1
    assert [m.to for m in mail.outbox if "Low stock" in m.subject] == [[mug.product.seller.contact_email]]
