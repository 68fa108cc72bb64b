"""Storefront pages: the notification centre (newest first), marking one or all read, the header badge."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.errors import NotificationNotFound

PAGE_SIZE = 30


@login_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/centre.html",
        {"page": page, "unread_count": selectors.unread_count_for(user=request.user)},
    )


@never_cache
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx after the page loads (so pages pay no query for it)."""
    count = selectors.unread_count_for(user=request.user) if request.user.is_authenticated else 0
    return render(request, "notifications/_badge.html", {"count": count})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read, then follow it to its page ("open") or come back to the centre."""
    try:
        notification = services.mark_read(user=request.user, notification_id=notification_id)
    except NotificationNotFound as exc:
        raise Http404(exc.message) from exc
    target = notification.url if request.POST.get("open") and notification.url else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return redirect("notifications:centre")
