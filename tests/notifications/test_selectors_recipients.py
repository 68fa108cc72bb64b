"""Recipients are read through the accounts and sellers selectors, in as few queries as before."""

import pytest

from notifications import selectors
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_a_buyer_is_addressed_at_their_account_email_and_greeted_by_name(django_assert_num_queries):
    ann = UserFactory(email="ann@example.com", name="Ann")
    nameless = UserFactory(email="anon@example.com", name="")
    with django_assert_num_queries(1):
        assert selectors.buyer_recipient(user_id=ann.pk) == selectors.Recipient(
            user_id=ann.pk, email="ann@example.com", name="Ann"
        )
    assert selectors.buyer_recipient(user_id=nameless.pk).name == "anon@example.com"
    assert selectors.buyer_recipient(user_id=999_999) is None


def test_sellers_are_addressed_at_their_stores_contact_email_in_one_query(django_assert_num_queries):
    ann = SellerFactory(store_name="Ann's Attic", contact_email="attic@example.com")
    bob = SellerFactory(store_name="Bob's Bikes")
    with django_assert_num_queries(1):
        recipients = selectors.seller_recipients(seller_ids=[ann.pk, bob.pk, 999_999])
    assert recipients == {
        ann.pk: selectors.Recipient(user_id=ann.user_id, email="attic@example.com", name="Ann's Attic"),
        bob.pk: selectors.Recipient(user_id=bob.user_id, email=bob.user.email, name="Bob's Bikes"),
    }


def test_a_store_without_a_contact_email_is_written_to_at_its_users_email(django_assert_num_queries):
    seller = SellerFactory(store_name="Quiet Corner", contact_email="")
    with django_assert_num_queries(2):
        recipient = selectors.seller_recipients(seller_ids=[seller.pk])[seller.pk]
    assert recipient.email == seller.user.email
