"""The "Sell on the store" page."""

import pytest

from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_sell_page_asks_visitors_to_sign_in_first(client):
    response = client.get("/sell/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/sell/"


def test_signed_in_user_opens_a_store(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/sell/", {"store_name": "Ann's Attic", "description": "Vintage finds"}, follow=True)
    seller = Seller.objects.get(user=user)
    assert (seller.store_name, seller.contact_email) == ("Ann's Attic", user.email)
    assert "Ann&#x27;s Attic is open" in response.content.decode()


def test_a_taken_store_name_is_refused_on_the_page(client):
    SellerFactory(store_name="Corner Shop")
    client.force_login(UserFactory())
    response = client.post("/sell/", {"store_name": "CORNER SHOP"})
    assert response.status_code == 200
    assert "already uses this store name" in response.content.decode()
    assert Seller.objects.count() == 1


def test_a_seller_sees_their_store_instead_of_the_form(client):
    seller = SellerFactory(store_name="Corner Shop")
    client.force_login(seller.user)
    html = client.get("/sell/").content.decode()
    assert "Corner Shop" in html
    assert "Open my store" not in html


def test_a_sellers_store_page_leads_to_the_workspace_and_to_the_store_as_buyers_see_it(client):
    seller = SellerFactory(store_name="Corner Shop", slug="corner-shop")
    client.force_login(seller.user)
    html = client.get("/sell/").content.decode()
    for link in ('href="/seller/"', 'href="/seller/stock/"', 'href="/seller/alerts/"', 'href="/s/corner-shop/"'):
        assert link in html
