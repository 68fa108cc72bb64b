"""One NotASeller (sellers.errors): every seller-only endpoint and page refuses a buyer the same way."""

from importlib import import_module

import pytest

from sellers.errors import NotASeller
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SELLER_ONLY_API = [
    ("post", "/api/v1/products"),
    ("get", "/api/v1/seller/orders"),
    ("get", "/api/v1/seller/returns"),
    ("get", "/api/v1/seller/shipments"),
    ("post", "/api/v1/seller/shipments/SH-NONE/ship"),
    ("get", "/api/v1/seller/alerts"),
]
SELLER_ONLY_PAGES = ["/seller/alerts/", "/seller/orders/", "/seller/returns/"]


@pytest.mark.schema_unchecked(reason="a buyer calls seller endpoints with no body")
@pytest.mark.parametrize(("method", "path"), SELLER_ONLY_API)
def test_a_buyer_gets_the_same_not_a_seller_answer_everywhere(api_client, method, path):
    api_client.force_authenticate(UserFactory())
    response = getattr(api_client, method)(path, {}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert body["detail"] == NotASeller.default_message


@pytest.mark.parametrize("path", SELLER_ONLY_PAGES)
def test_a_buyer_gets_the_forbidden_page_on_seller_pages(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 403
    assert "errors/not_a_seller.html" in [template.name for template in response.templates]


@pytest.mark.parametrize("app", ["catalog", "orders", "logistics", "inventory"])
def test_no_app_defines_its_own_not_a_seller(app):
    assert not hasattr(import_module(f"{app}.errors"), "NotASeller")
