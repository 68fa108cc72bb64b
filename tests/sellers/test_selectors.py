"""sellers.selectors: the one seller access check, contacts by id, and the threshold other apps read."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext
import pytest

from sellers import selectors
from sellers.errors import NotASeller
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_seller_of_gives_the_users_seller_profile():
    seller = SellerFactory()
    assert selectors.seller_of(user=seller.user) == seller


@pytest.mark.parametrize("who", ["buyer", "anonymous"])
def test_seller_of_refuses_a_buyer_and_an_anonymous_visitor(who):
    user = UserFactory() if who == "buyer" else AnonymousUser()
    with pytest.raises(NotASeller) as refused:
        selectors.seller_of(user=user)
    assert refused.value.code == "permission_denied"
    assert refused.value.status == 403


def test_seller_contacts_are_read_by_id_in_one_query():
    ann, bob = SellerFactory(store_name="Ann's", contact_email="shop@ann.test"), SellerFactory(store_name="Bob's")
    with CaptureQueriesContext(connection) as queries:
        contacts = selectors.seller_contacts(seller_ids=[ann.pk, bob.pk, 999_999])
    assert len(queries) == 1
    assert set(contacts) == {ann.pk, bob.pk}
    assert contacts[ann.pk] == selectors.SellerContact(
        seller_id=ann.pk, user_id=ann.user_id, email="shop@ann.test", store_name="Ann's"
    )
    assert contacts[bob.pk].email == bob.user.email


def test_the_low_stock_threshold_is_an_expression_for_another_query():
    generous, default = SellerFactory(low_stock_threshold=12), SellerFactory()
    with CaptureQueriesContext(connection) as queries:
        rows = dict(
            Seller.objects.annotate(threshold=selectors.low_stock_threshold_of(seller_id=OuterRef("pk"))).values_list(
                "pk", "threshold"
            )
        )
    assert len(queries) == 1
    assert rows == {generous.pk: 12, default.pk: 5}
