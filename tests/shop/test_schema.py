"""The OpenAPI schema describes every endpoint with its request body, response and errors."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_lists_the_accounts_and_sellers_endpoints(schema):
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/token",
        "/api/v1/auth/token/refresh",
        "/api/v1/me",
        "/api/v1/me/addresses",
        "/api/v1/me/addresses/{address_id}",
        "/api/v1/sellers",
    ]:
        assert path in schema["paths"], path


def test_schema_describes_request_bodies_and_error_bodies(schema):
    register = schema["paths"]["/api/v1/auth/register"]["post"]
    assert "requestBody" in register
    assert "201" in register["responses"]
    problem = register["responses"]["400"]["content"]["application/problem+json"]["schema"]
    assert problem["$ref"].endswith("/Problem")
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(
        schema["components"]["schemas"]["Problem"]["properties"]
    )


def test_schema_documents_auth_not_found_and_conflicts(schema):
    address = schema["paths"]["/api/v1/me/addresses/{address_id}"]["get"]
    assert {"401", "404"} <= set(address["responses"])
    assert "409" in schema["paths"]["/api/v1/sellers"]["post"]["responses"]
    token = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "401" in token


def test_paginated_list_schema_names_its_list(schema):
    listing = schema["paths"]["/api/v1/me/addresses"]["get"]["responses"]["200"]["content"]["application/json"]
    ref = listing["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"addresses", "offset", "limit", "count", "next_offset"} <= set(properties)


def test_docs_page_loads_its_assets_from_this_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


def test_schema_generates_without_warnings_and_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
