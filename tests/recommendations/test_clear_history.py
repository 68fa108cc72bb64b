"""Clearing one's history: the account page's button and POST /api/v1/recommendations/history/clear."""

import pytest

from recommendations import selectors
from recommendations.services import record_search, record_view
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/history/clear/"
API = "/api/v1/recommendations/history/clear"


def test_the_account_page_offers_to_clear_the_browsing_history(client):
    client.force_login(UserFactory())

    page = client.get("/accounts/").content.decode()

    assert "Clear browsing history" in page
    assert f'action="{PAGE}"' in page


def test_the_button_clears_the_users_history_and_says_so(client, a):
    user = UserFactory()
    record_view(product_id=a.pk, user=user)
    record_search(query="tent", user=user)
    client.force_login(user)

    response = client.post(PAGE, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/"
    assert "Your browsing history is cleared." in response.content.decode()
    assert selectors.recently_viewed(user=user) == []
    assert selectors.recent_searches(user=user) == []


def test_the_page_needs_a_signed_in_user_and_a_post(client):
    assert client.post(PAGE).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 405


def test_the_api_clears_the_signed_in_callers_history(api_client, a):
    user = UserFactory()
    record_view(product_id=a.pk, user=user)
    api_client.force_authenticate(user)

    response = api_client.post(API)

    assert response.status_code == 204
    assert selectors.recently_viewed(user=user) == []


def test_the_api_clears_a_guests_session_history(client, a):
    session = client.session
    session["visited"] = True
    session.save()
    record_view(product_id=a.pk, session_key=session.session_key)

    response = client.post(API)

    assert response.status_code == 204
    assert selectors.recently_viewed(session_key=session.session_key) == []
