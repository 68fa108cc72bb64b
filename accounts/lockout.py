"""How django-axes identifies a sign-in attempt and answers once an account is locked."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.models import normalize_email
from shop.api.errors import PROBLEM_CONTENT_TYPE, lockout_problem


def username_from_request(request: HttpRequest, credentials: dict | None) -> str:
    """The e-mail being tried, from the authenticate() call or the posted form, normalized."""
    credentials = credentials or {}
    email = credentials.get("email") or credentials.get("username")
    if email is None:
        data = getattr(request, "data", None) or request.POST
        email = data.get("email") or data.get("username") or ""
    return normalize_email(str(email))


def lockout_response(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """429 for locked sign-ins: problem details for the API, a page for the storefront."""
    problem = lockout_problem()
    if request.path.startswith("/api/"):
        response = JsonResponse(problem.data, status=429, content_type=PROBLEM_CONTENT_TYPE)
    else:
        response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = problem["Retry-After"]
    return response
